import { describe, expect, it } from "vitest";
import { chooseApi } from "./ApiDetection.js";

const v3 = { name: "projectcalico.org", versions: [{ version: "v3" }] };
const v1 = { name: "crd.projectcalico.org", versions: [{ version: "v1" }] };
const apps = { name: "apps", versions: [{ version: "v1" }] };

describe("chooseApi", () => {
  it("prefers projectcalico.org/v3 whenever it is served", () => {
    expect(chooseApi([apps, v3], "auto").api.apiVersion).toBe("projectcalico.org/v3");
    expect(chooseApi([v1, v3], "auto")).toMatchObject({
      api: { version: "v3" },
      v1Served: true,
      v3Served: true,
    });
  });
  it("falls back to crd.projectcalico.org/v1, and honours a forced choice", () => {
    expect(chooseApi([apps, v1], "auto").api.apiVersion).toBe("crd.projectcalico.org/v1");
    expect(chooseApi([v1, v3], "v1").api.version).toBe("v1");
  });
  it("says Calico CRDs not found otherwise", () => {
    expect(() => chooseApi([apps], "auto")).toThrow(/Calico CRDs not found/);
    expect(() => chooseApi([v1], "v3")).toThrow(/asked for v3/);
  });
});
