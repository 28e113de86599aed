import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  convertCalicoUid,
  fromV1,
  type KubernetesObject,
  toV1,
  V1ConversionError,
} from "./V1Conversion.js";

const meta = "projectcalico.org/metadata";

function peer(metadata: KubernetesObject["metadata"]): KubernetesObject {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata,
    spec: { peerSelector: "has(route-reflector)", asNumber: 64512 },
  };
}

describe("toV1", () => {
  it("stores the v3 metadata in the metadata annotation exactly as Go writes it", () => {
    const v1 = toV1(
      peer({
        name: "rr-peers",
        namespace: "",
        uid: "00000000-0000-4000-8000-000000000012",
        resourceVersion: "812",
        generation: 3,
        creationTimestamp: "2024-05-01T10:00:00.123+02:00",
        labels: { zone: "a<b>", "10": "x", "9": "y", "projectcalico.org/rr": "true" },
        annotations: { note: "R&D", "operator.tigera.io/owned": "yes" },
        ownerReferences: [
          {
            apiVersion: "projectcalico.org/v3",
            kind: "Tier",
            name: "t",
            uid: "00000000-0000-4000-8000-000000000001",
          },
          { apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "abc", controller: false },
        ],
        finalizers: ["calicokit/cleanup"],
        unknownField: "dropped",
      }),
    );
    expect(v1).toEqual({
      apiVersion: "crd.projectcalico.org/v1",
      kind: "BGPPeer",
      metadata: {
        name: "rr-peers",
        uid: "00000000-0000-4000-8000-000000000048",
        resourceVersion: "812",
        labels: { "projectcalico.org/rr": "true" },
        annotations: {
          [meta]:
            '{"generation":3,"creationTimestamp":"2024-05-01T08:00:00Z",' +
            '"labels":{"10":"x","9":"y","projectcalico.org/rr":"true","zone":"a\\u003cb\\u003e"},' +
            '"annotations":{"note":"R\\u0026D","operator.tigera.io/owned":"yes"},' +
            '"ownerReferences":[{"apiVersion":"crd.projectcalico.org/v1","kind":"Tier","name":"t","uid":"00000000-0000-4000-8000-000000000080"},' +
            '{"apiVersion":"v1","kind":"ConfigMap","name":"c","uid":"abc","controller":false}],' +
            '"finalizers":["calicokit/cleanup"]}',
          "operator.tigera.io/owned": "yes",
        },
      },
      spec: { peerSelector: "has(route-reflector)", asNumber: 64512 },
    });
  });

  it("writes an empty metadata object when there is nothing but identity", () => {
    expect(toV1(peer({ name: "p" })).metadata).toEqual({
      name: "p",
      annotations: { [meta]: "{}" },
    });
  });

  it("reads metadata as the API server returns it (null timestamp, loose owner references)", () => {
    const v1 = toV1(
      peer({
        name: "p",
        creationTimestamp: null,
        ownerReferences: [{ apiVersion: "v1", kind: "Pod", uid: "u", extra: 1 }],
      }),
    );
    expect(v1.metadata.annotations?.[meta]).toBe(
      '{"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"","uid":"u"}]}',
    );
  });

  it("keeps the name in the annotation for policy kinds only", () => {
    const policy = toV1({
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkPolicy",
      metadata: { name: "allow-bgp" },
      spec: {},
    });
    expect(policy.metadata.annotations?.[meta]).toBe('{"name":"allow-bgp"}');
  });

  it("keeps namespace and the namespace-free kinds' shape, and renames IPAMConfiguration", () => {
    const v1 = toV1({
      apiVersion: "projectcalico.org/v3",
      kind: "IPAMConfiguration",
      metadata: { name: "default", namespace: "ns" },
      spec: { strictAffinity: true },
      status: { x: 1 },
    });
    expect(v1).toMatchObject({
      kind: "IPAMConfig",
      metadata: { namespace: "ns" },
      status: { x: 1 },
    });
    expect(fromV1(v1).kind).toBe("IPAMConfiguration");
  });

  it("lets a v3 annotation named projectcalico.org/metadata replace the stored metadata, as Calico does", () => {
    const v1 = toV1(peer({ name: "p", annotations: { [meta]: "{}", x: "y" } }));
    expect(v1.metadata.annotations).toEqual({ [meta]: "{}" });
  });

  it("does not share objects with its input", () => {
    const input = peer({ name: "p" });
    const v1 = toV1(input);
    (v1.spec as { asNumber: number }).asNumber = 1;
    expect((input.spec as { asNumber: number }).asNumber).toBe(64512);
  });

  it.each([
    [{ ...peer({ name: "p" }), apiVersion: "crd.projectcalico.org/v1" }, "apiVersion"],
    [peer({ name: "p", uid: "not-a-uuid" }), "metadata.uid"],
    [peer({ name: "p", creationTimestamp: "2024-02-30T00:00:00Z" }), "metadata.creationTimestamp"],
    [peer({ name: "p", creationTimestamp: "yesterday" }), "metadata.creationTimestamp"],
    [
      peer({
        name: "p",
        ownerReferences: [
          { apiVersion: "projectcalico.org/v3", kind: "Tier", name: "t", uid: "x" },
        ],
      }),
      "metadata.ownerReferences[0].uid",
    ],
  ])("refuses what Calico refuses (%#)", (input, path) => {
    expect(() => toV1(input)).toThrowError(
      expect.objectContaining({ _tag: "V1ConversionError", path }),
    );
  });
});

describe("UID conversion", () => {
  const canonical = "12345678-9abc-4def-8123-456789abcdef";
  const converted = "482c6a1e-593d-4df7-81c4-a2e691d5b3f7";
  it.each([
    ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000080"],
    [canonical, converted],
    ["{12345678-9ABC-4DEF-8123-456789ABCDEF}", converted],
    [`urn:uuid:${canonical}`, converted],
    [canonical.replaceAll("-", ""), converted],
  ])("%s -> %s (bytes bit-reversed except the version and variant bytes)", (v3, v1) => {
    expect(toV1(peer({ name: "p", uid: v3 })).metadata.uid).toBe(v1);
    expect(convertCalicoUid(v3)).toBe(v1);
  });

  it("convertCalicoUid maps back and refuses a UID that is not a UUID", () => {
    expect(convertCalicoUid(converted)).toBe(canonical);
    expect(() => convertCalicoUid("not-a-uuid")).toThrow(
      expect.objectContaining({ _tag: "V1ConversionError", path: "metadata.uid" }),
    );
  });

  it("is its own inverse, in Go's canonical lowercase form", () => {
    const v1 = toV1(peer({ name: "p", uid: "{12345678-9ABC-4DEF-8123-456789ABCDEF}" }));
    expect(fromV1(v1).metadata.uid).toBe(canonical);
  });
});

describe("fromV1", () => {
  const v1Base = {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "BGPPeer",
    spec: { peerSelector: "all()" },
  };

  it("uses the v1 metadata as it is when there is no metadata annotation, converting the uid", () => {
    const object = {
      ...v1Base,
      metadata: {
        name: "p",
        uid: "00000000-0000-4000-8000-000000000080",
        labels: { a: "1" },
        generation: 2,
      },
    };
    expect(fromV1(object)).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: {
        name: "p",
        uid: "00000000-0000-4000-8000-000000000001",
        labels: { a: "1" },
        generation: 2,
      },
      spec: { peerSelector: "all()" },
    });
  });

  it("overlays the stored labels and annotations on the v1 ones and drops other v1 metadata", () => {
    const object = {
      ...v1Base,
      metadata: {
        name: "p",
        resourceVersion: "9",
        generation: 7,
        creationTimestamp: "2024-01-01T00:00:00Z",
        managedFields: [{ manager: "kubectl" }],
        labels: { "projectcalico.org/rr": "old", legacy: "kept" },
        annotations: {
          [meta]: '{"labels":{"projectcalico.org/rr":"new"},"annotations":{"x":"1"},"bogus":1}',
          y: "2",
        },
      },
    };
    expect(fromV1(object).metadata).toEqual({
      name: "p",
      resourceVersion: "9",
      creationTimestamp: "2024-01-01T00:00:00Z",
      labels: { "projectcalico.org/rr": "new", legacy: "kept" },
      annotations: { x: "1", y: "2" },
    });
  });

  it("prefers the stored creationTimestamp, in Go's format", () => {
    const object = {
      ...v1Base,
      metadata: {
        name: "p",
        creationTimestamp: "2024-01-01T00:00:00Z",
        annotations: { [meta]: '{"creationTimestamp":"2023-06-01T12:00:00.9-01:30"}' },
      },
    };
    expect(fromV1(object).metadata.creationTimestamp).toBe("2023-06-01T13:30:00Z");
  });

  it("points crd.projectcalico.org/v1 and projectcalico.org/v3 owners at v3", () => {
    const owners = [
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "Tier",
        name: "a",
        uid: "00000000-0000-4000-8000-000000000080",
      },
      {
        apiVersion: "projectcalico.org/v3",
        kind: "Tier",
        name: "b",
        uid: "00000000-0000-4000-8000-000000000080",
      },
      { apiVersion: "v1", kind: "Pod", name: "c", uid: "u" },
    ];
    const object = {
      ...v1Base,
      metadata: { name: "p", annotations: { [meta]: JSON.stringify({ ownerReferences: owners }) } },
    };
    expect(fromV1(object).metadata.ownerReferences).toEqual([
      {
        apiVersion: "projectcalico.org/v3",
        kind: "Tier",
        name: "a",
        uid: "00000000-0000-4000-8000-000000000001",
      },
      {
        apiVersion: "projectcalico.org/v3",
        kind: "Tier",
        name: "b",
        uid: "00000000-0000-4000-8000-000000000001",
      },
      { apiVersion: "v1", kind: "Pod", name: "c", uid: "u" },
    ]);
  });

  it("strips the default. prefix of a default-tier policy without a stored name", () => {
    const object = {
      apiVersion: "crd.projectcalico.org/v1",
      kind: "GlobalNetworkPolicy",
      metadata: { name: "default.allow-bgp", annotations: { [meta]: "{}" } },
      spec: { tier: "default" },
    };
    expect(fromV1(object).metadata.name).toBe("allow-bgp");
  });

  it.each([
    [{ ...v1Base, apiVersion: "projectcalico.org/v3", metadata: { name: "p" } }, "apiVersion"],
    [
      { ...v1Base, metadata: { name: "p", annotations: { [meta]: "{" } } },
      `metadata.annotations["${meta}"]`,
    ],
    [
      { ...v1Base, metadata: { name: "p", annotations: { [meta]: '{"labels":[]}' } } },
      `metadata.annotations["${meta}"]`,
    ],
    [{ ...v1Base, metadata: { name: "p", uid: "zz" } }, "metadata.uid"],
  ])("refuses what Calico refuses (%#)", (input, path) => {
    expect(() => fromV1(input)).toThrowError(
      expect.objectContaining({ _tag: "V1ConversionError", path }),
    );
    expect(() => fromV1(input)).toThrow(V1ConversionError);
  });
});

const key = fc.oneof(
  fc.constantFrom(
    "zone",
    "9",
    "10",
    "projectcalico.org/rr",
    "a.operator.tigera.io/x",
    "<tag>",
    "ключ",
  ),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const stringMap = fc.dictionary(
  key.filter((k) => k !== meta && k !== "__proto__"),
  fc.string({ maxLength: 8 }),
  { maxKeys: 5, minKeys: 1 },
);
const timestamp = fc
  .date({
    min: new Date("1990-01-01T00:00:00Z"),
    max: new Date("2090-01-01T00:00:00Z"),
    noInvalidDate: true,
  })
  .map((d) => `${d.toISOString().slice(0, 19)}Z`);
const owner = fc.record(
  {
    apiVersion: fc.constantFrom("projectcalico.org/v3", "v1", "apps/v1"),
    kind: fc.constantFrom("Tier", "ConfigMap"),
    name: fc.string({ maxLength: 6 }),
    uid: fc.uuid(),
    controller: fc.boolean(),
    blockOwnerDeletion: fc.boolean(),
  },
  { requiredKeys: ["apiVersion", "kind", "name", "uid"] },
);
const v3Resources: fc.Arbitrary<KubernetesObject> = fc
  .record(
    {
      kind: fc.constantFrom(
        "BGPPeer",
        "BGPConfiguration",
        "IPPool",
        "GlobalNetworkPolicy",
        "IPAMConfiguration",
      ),
      name: fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?$/),
      namespace: fc.constantFrom("ns-a", "kube-system"),
      uid: fc.uuid(),
      resourceVersion: fc.nat().map(String),
      generation: fc.integer({ min: 1, max: 1000 }),
      creationTimestamp: timestamp,
      labels: stringMap,
      annotations: stringMap,
      ownerReferences: fc.array(owner, { minLength: 1, maxLength: 2 }),
      finalizers: fc.array(fc.string({ minLength: 1, maxLength: 8 }), {
        minLength: 1,
        maxLength: 2,
      }),
      spec: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 4,
      }),
    },
    { requiredKeys: ["kind", "name", "spec"] },
  )
  .map(({ kind, spec, ...metadata }) => ({
    apiVersion: "projectcalico.org/v3",
    kind,
    metadata,
    spec: JSON.parse(JSON.stringify(spec)),
  }));

describe("round trip: v3 -> v1 -> v3", () => {
  it("gives back the v3 object (whole-second UTC timestamps, lowercase UUIDs)", () => {
    fc.assert(
      fc.property(v3Resources, (resource) => {
        const v1 = toV1(resource);
        expect(JSON.parse(JSON.stringify(v1))).toEqual(v1);
        expect(JSON.parse(v1.metadata.annotations?.[meta] ?? "")).not.toHaveProperty("uid");
        expect(fromV1(v1)).toEqual(resource);
      }),
      { numRuns: 300 },
    );
  });
});

describe("documentation examples", () => {
  it("toV1 and fromV1 hold as written in their JSDoc", () => {
    const cr = toV1({
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "rr-peers", labels: { team: "net" } },
      spec: { nodeSelector: "all()", peerSelector: "has(route-reflector)" },
    });
    expect(cr.metadata.annotations).toEqual({ [meta]: '{"labels":{"team":"net"}}' });
    const peer = fromV1({
      apiVersion: "crd.projectcalico.org/v1",
      kind: "BGPPeer",
      metadata: {
        name: "rr-peers",
        resourceVersion: "812",
        annotations: { [meta]: '{"labels":{"team":"net"}}' },
      },
      spec: { peerSelector: "has(route-reflector)" },
    });
    expect(peer.metadata).toEqual({
      name: "rr-peers",
      resourceVersion: "812",
      labels: { team: "net" },
    });
  });
});
