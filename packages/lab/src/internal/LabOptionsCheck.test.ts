import { describe, expect, it } from "vitest";
import { Lab } from "../Lab.js";
import { LabError } from "../LabError.js";
import { checkAddNodeOptions, checkLabOptions, checkProcedureOptions } from "./LabOptionsCheck.js";

function refusal(run: () => unknown): LabError {
  try {
    run();
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error("expected a LabError");
}

describe("checkLabOptions", () => {
  it("accepts complete options", () => {
    expect(() =>
      checkLabOptions({ name: "demo", nodes: 4, zones: ["a", "b"], calicoApi: "v3", ipv6: true }),
    ).not.toThrow();
  });

  it("names a missing required option and what it must be", () => {
    const error = refusal(() => checkLabOptions({ name: "demo", nodes: 4, zones: 2 }));
    expect(error._tag).toBe("InvalidOptions");
    expect(error.message).toContain('calicoApi: required, "v1" or "v3"');
  });

  it("refuses unknown keys, naming the likely one, and lists every problem at once", () => {
    const error = refusal(() =>
      checkLabOptions({ name: "Demo", nodes: 0, calicoapi: "v3", ipV6: true, colour: "red" }),
    );
    expect(error.message).toContain("calicoapi: unknown option: did you mean calicoApi?");
    expect(error.message).toContain("ipV6: unknown option: did you mean ipv6?");
    expect(error.message).toMatch(/colour: unknown option \(known: name, nodes, /);
    expect(error.message).toContain("name: must be 1-30 characters of a-z, 0-9 and '-'");
    expect(error.message).toContain("nodes: must be an integer from 1 to 240, got 0");
    expect(error.hint).toBe("fix the options listed; nothing was started");
  });

  it("checks addNode's options the same way", () => {
    expect(() => checkAddNodeOptions({ zone: "zone-b", labels: { rack: "r1" } })).not.toThrow();
    const error = refusal(() => checkAddNodeOptions({ zones: "zone-b" }));
    expect(error.message).toContain("zones: unknown option (known: zone, labels)");
    expect(refusal(() => checkAddNodeOptions({ labels: { rack: 1 } })).message).toContain(
      "labels: must be an object of string labels",
    );
  });
});

describe("Lab.up", () => {
  it("refuses options without calicoApi with a LabError naming it, before anything starts", async () => {
    const error = await Lab.up({ name: "demo", nodes: 2, zones: 2 } as never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LabError);
    expect(error).toMatchObject({ _tag: "InvalidOptions" });
    expect((error as LabError).message).toContain("calicoApi: required");
  });
});

describe("checkProcedureOptions", () => {
  it("accepts the documented options", () => {
    expect(() =>
      checkProcedureOptions({
        onEvent: () => {},
        sessionTimeoutMs: 60_000,
        kubectl: { kubeconfigPath: "/tmp/kubeconfig" },
      }),
    ).not.toThrow();
  });

  it("refuses a misspelt option and a kubectl option without its kubeconfig", () => {
    const error = refusal(() =>
      checkProcedureOptions({ sessionTimeout: 5, kubectl: { kubeconfig: "/tmp/k" } }),
    );
    expect(error._tag).toBe("InvalidOptions");
    expect(error.message).toContain("runDocumentedProcedure refused its options");
    expect(error.message).toContain("sessionTimeout: unknown option (known: onEvent,");
    expect(error.message).toContain(
      'kubectl: must be { kubeconfigPath: <path of a kubeconfig> }, got {"kubeconfig":"/tmp/k"}',
    );
  });
});
