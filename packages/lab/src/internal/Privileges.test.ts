import { expect, test } from "vitest";
import { privilegeProblem } from "./Privileges.js";

test("root is enough; otherwise both capabilities must be effective", () => {
  expect(privilegeProblem(0, "")).toBeUndefined();
  expect(privilegeProblem(1000, "Name:\tnode\nCapEff:\t0000000000000000\n")).toBe(
    "missing CAP_SYS_ADMIN and CAP_NET_ADMIN",
  );
  // CAP_NET_ADMIN (bit 12) only.
  expect(privilegeProblem(1000, "CapEff:\t0000000000001000\n")).toBe("missing CAP_SYS_ADMIN");
  // Both bits 12 and 21.
  expect(privilegeProblem(1000, "CapEff:\t0000000000201000\n")).toBeUndefined();
  expect(privilegeProblem(undefined, "")).toBe("missing CAP_SYS_ADMIN and CAP_NET_ADMIN");
});
