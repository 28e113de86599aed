import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { calicoKinds } from "./CalicoKind.js";
import {
  type CalicoJsonSchema,
  type CalicoJsonSchemaKind,
  calicoJsonSchemas,
} from "./JsonSchema.js";

const kinds: CalicoJsonSchemaKind[] = [
  "BGPConfiguration",
  "BGPPeer",
  "BGPFilter",
  "IPPool",
  "BlockAffinity",
  "ClusterInformation",
  "CalicoNodeStatus",
];

const crdsDir =
  process.env.CALICOKIT_CRDS_DIR ??
  resolve(fileURLToPath(import.meta.url), "../../../../../shared/calico/crds");

function crdText(kind: CalicoJsonSchemaKind): string {
  return readFileSync(
    resolve(crdsDir, "v3", `projectcalico.org_${calicoKinds[kind].plural}.yaml`),
    "utf8",
  );
}

function properties(schema: CalicoJsonSchema | undefined): Record<string, CalicoJsonSchema> {
  return (schema?.properties ?? {}) as Record<string, CalicoJsonSchema>;
}

// Visits every object in the tree, to check the OpenAPI 3.0 dialect (no type arrays, no const).
function walk(node: unknown, visit: (schema: Record<string, unknown>) => void): void {
  if (typeof node !== "object" || node === null) return;
  if (!Array.isArray(node)) visit(node as Record<string, unknown>);
  for (const child of Object.values(node)) walk(child, visit);
}

describe.each(["openapi-3.0", "draft-2020-12"] as const)("calicoJsonSchemas(%s)", (target) => {
  const schemas = calicoJsonSchemas(target);

  it("has one schema per public kind, and is plain JSON", () => {
    expect(Object.keys(schemas).sort()).toEqual([...kinds].sort());
    expect(JSON.parse(JSON.stringify(schemas))).toEqual(schemas);
  });

  it.each(kinds)("%s: a strict object with the resource's top-level fields", (kind) => {
    const schema = schemas[kind];
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(
      expect.arrayContaining(["apiVersion", "kind", "metadata", "spec"]),
    );
    const top = properties(schema);
    expect(top.kind?.enum ?? [top.kind?.const]).toEqual([kind]);
    expect(top.apiVersion?.enum ?? [top.apiVersion?.const]).toContain("projectcalico.org/v3");
    expect(Object.keys(properties(top.metadata))).toEqual(
      expect.arrayContaining(["name", "labels", "annotations", "resourceVersion"]),
    );
  });

  it.each(kinds)("%s: every spec field name exists in the v3 CRD", (kind) => {
    const text = crdText(kind);
    const fields = Object.keys(properties(properties(schemas[kind]).spec));
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) expect(text, field).toMatch(new RegExp(`^\\s+${field}:`, "m"));
  });

  it("names the fields the BGP workflow relies on", () => {
    expect(Object.keys(properties(properties(schemas.BGPPeer).spec))).toEqual(
      expect.arrayContaining(["peerIP", "asNumber", "node", "nodeSelector", "peerSelector"]),
    );
    expect(Object.keys(properties(properties(schemas.BGPConfiguration).spec))).toEqual(
      expect.arrayContaining(["nodeToNodeMeshEnabled", "asNumber", "listenPort"]),
    );
    expect(Object.keys(properties(properties(schemas.IPPool).spec))).toEqual(
      expect.arrayContaining(["cidr", "blockSize", "ipipMode", "vxlanMode", "nodeSelector"]),
    );
  });

  it("returns a fresh copy on every call", () => {
    const first = calicoJsonSchemas(target);
    first.BGPPeer.title = "changed";
    expect(calicoJsonSchemas(target).BGPPeer.title).toBeUndefined();
  });
});

describe("dialects", () => {
  it("draft 2020-12 declares its $schema", () => {
    for (const schema of Object.values(calicoJsonSchemas("draft-2020-12"))) {
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    }
  });

  it("OpenAPI 3.0 uses no $schema, const or type arrays", () => {
    walk(calicoJsonSchemas("openapi-3.0"), (schema) => {
      expect(schema).not.toHaveProperty("$schema");
      expect(schema).not.toHaveProperty("const");
      if ("type" in schema && typeof schema.type !== "object")
        expect(typeof schema.type).toBe("string");
    });
  });
});

describe("documentation examples", () => {
  it("CalicoJsonSchema holds as written in its JSDoc", () => {
    expect(calicoJsonSchemas("draft-2020-12").BGPPeer.required).toEqual([
      "apiVersion",
      "kind",
      "metadata",
      "spec",
    ]);
  });
});
