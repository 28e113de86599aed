import { describe, expect, it } from "vitest";
import { ipForProtocolName } from "./ProtocolName.js";

describe("ipForProtocolName", () => {
  it("replaces dots and colons with underscores", () => {
    expect(ipForProtocolName("10.0.0.1")).toBe("10_0_0_1");
    expect(ipForProtocolName("fd80:24e2:f998:72d7::2")).toBe("fd80_24e2_f998_72d7__2");
  });
});
