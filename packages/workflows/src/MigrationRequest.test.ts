import { describe, expect, test } from "vitest";
import { parseMigrationRequest } from "./MigrationRequest.js";
import { WorkflowError } from "./WorkflowError.js";

function reasons(input: unknown): string {
  try {
    parseMigrationRequest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError)._tag).toBe("InvalidRequest");
    return (error as WorkflowError).reasons.join("\n");
  }
  throw new Error("accepted");
}

describe("parseMigrationRequest", () => {
  test("accepts the documented shapes", () => {
    expect(parseMigrationRequest({ to: "route-reflectors", rrCount: 3 }).rrCount).toBe(3);
    expect(parseMigrationRequest({ to: "mesh" }).to).toBe("mesh");
    expect(parseMigrationRequest({ to: "reflector-set", rrNodes: ["a", "b"] }).rrNodes).toEqual([
      "a",
      "b",
    ]);
  });

  test("names the field and the fix: unknown keys, both or neither of rrNodes/rrCount, bad cluster IDs", () => {
    expect(reasons({ to: "route-reflectors", rrCount: 3, rrcount: 2 })).toContain(
      "rrcount: unknown field",
    );
    expect(reasons({ to: "route-reflectors" })).toContain("give exactly one");
    expect(reasons({ to: "route-reflectors", rrCount: 2, rrNodes: ["a", "b"] })).toContain(
      "give exactly one",
    );
    expect(reasons({ to: "route-reflectors", rrCount: 2, clusterId: "244.0.0.1/32" })).toContain(
      "clusterId: a plain dotted IPv4",
    );
    expect(reasons({ to: "mesh", rrCount: 2 })).toContain(
      "rrCount: not used when going to the mesh",
    );
    expect(reasons({ to: "reflector-set", rrNodes: ["a", "a"] })).toContain("names a node twice");
    expect(reasons({ to: "sideways" })).toContain("to:");
  });
});
