import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseASNumber } from "./ASNumber.js";
import {
  type CalicoNode,
  CalicoNodeConversionError,
  CalicoNodeSchema,
  calicoNodeFromKubernetes,
  isRouteReflectorClusterId,
  calicoNodeAnnotations as keys,
  kubernetesNodeFieldsFromCalico,
} from "./CalicoNode.js";
import type { KubernetesNode } from "./KubernetesNode.js";

function coreNode(
  annotations: Record<string, string>,
  labels?: Record<string, string>,
): KubernetesNode {
  return {
    metadata: { name: "n1", annotations, ...(labels === undefined ? {} : { labels }) },
  };
}

function read(annotations: Record<string, string>) {
  return calicoNodeFromKubernetes(coreNode(annotations));
}

// The annotation rules of Calico's node.go, each with values Calico keeps and values it drops.
const rules: ReadonlyArray<{
  key: string;
  field: (node: CalicoNode) => unknown;
  valid: string[];
  invalid: string[];
}> = [
  {
    key: keys.ipv4Address,
    field: (n) => n.spec.bgp?.ipv4Address,
    valid: ["10.0.0.5", "10.0.0.5/24", "::ffff:10.0.0.5"],
    invalid: ["fd00::5", "10.0.0.256", "010.0.0.5", "10.0.0.5/33", "node-a"],
  },
  {
    key: keys.ipv6Address,
    field: (n) => n.spec.bgp?.ipv6Address,
    valid: ["fd00::5", "fd00::5/64"],
    invalid: ["10.0.0.5", "fd00::5/129", "fe80::1%eth0", "fd00:::5"],
  },
  {
    key: keys.routeReflectorClusterID,
    field: (n) => n.spec.bgp?.routeReflectorClusterID,
    valid: ["244.0.0.1", "10.0.0.0/8"],
    invalid: ["288.0.4.5", "fd10::10", "10.0.0.1/8", "abcdef"],
  },
  {
    key: keys.ipv4IPIPTunnelAddr,
    field: (n) => n.spec.bgp?.ipv4IPIPTunnelAddr,
    valid: ["10.244.1.1", "10.244.1.1/32"],
    invalid: ["10.244.1.1/24", "fd00::1"],
  },
  {
    key: keys.ipv4VXLANTunnelAddr,
    field: (n) => n.spec.ipv4VXLANTunnelAddr,
    valid: ["10.244.1.0"],
    invalid: ["10.244.1.1/16", "fd00::1"],
  },
  {
    key: keys.ipv6VXLANTunnelAddr,
    field: (n) => n.spec.ipv6VXLANTunnelAddr,
    valid: ["fd00::1", "fd00::/64"],
    invalid: ["fd00::1/64", "10.0.0.1"],
  },
  {
    key: keys.vxlanTunnelMACAddr,
    field: (n) => n.spec.vxlanTunnelMACAddr,
    valid: ["66:da:4b:12:3a:7f", "66-DA-4B-12-3A-7F", "66da.4b12.3a7f"],
    invalid: ["66:da:4b:12:3a", "66:da:4b:12:3a:7g"],
  },
  {
    key: keys.vxlanTunnelMACAddrV6,
    field: (n) => n.spec.vxlanTunnelMACAddrV6,
    valid: ["66:da:4b:12:3a:80"],
    invalid: ["not-a-mac"],
  },
  {
    key: keys.wireguardInterfaceIPv4Address,
    field: (n) => n.spec.wireguard?.interfaceIPv4Address,
    valid: ["10.244.1.2"],
    invalid: ["10.244.1.2/24", "fd00::2"],
  },
  {
    key: keys.wireguardInterfaceIPv6Address,
    field: (n) => n.spec.wireguard?.interfaceIPv6Address,
    valid: ["fd00::2"],
    invalid: ["fd00::2/64", "10.0.0.2"],
  },
];

describe("calicoNodeFromKubernetes: address and MAC annotations", () => {
  for (const rule of rules) {
    it.each(rule.valid)(`${rule.key}=%s is kept`, (value) => {
      const { node, warnings } = read({ [rule.key]: value });
      expect(rule.field(node)).toBe(value);
      expect(warnings).toEqual([]);
    });

    it.each(rule.invalid)(`${rule.key}=%s is ignored with a warning`, (value) => {
      const { node, warnings } = read({ [rule.key]: value });
      expect(rule.field(node)).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${rule.key}=${JSON.stringify(value)}`);
      expect(warnings[0]).toContain("on node n1");
      expect(warnings[0]).toMatch(
        /: not an? .+\. Fix: use a value such as .+, or remove the annotation\.$/,
      );
    });

    it(`${rule.key}="" counts as unset, without a warning`, () => {
      const { node, warnings } = read({ [rule.key]: "" });
      expect(rule.field(node)).toBeUndefined();
      expect(warnings).toEqual([]);
    });
  }

  it("leaves spec.bgp and spec.wireguard out when nothing valid is set", () => {
    const { node } = read({
      [keys.ipv4Address]: "bad",
      [keys.wireguardInterfaceIPv4Address]: "bad",
    });
    expect(node.spec.bgp).toBeUndefined();
    expect(node.spec.wireguard).toBeUndefined();
  });
});

describe("calicoNodeFromKubernetes: ASNumber", () => {
  it.each([
    ["64512", 64512],
    ["0", 0],
    ["0065000", 65000],
    ["4294967295", 4294967295],
    ["1.10", 65546],
    ["65535.65535", 4294967295],
    ["0.0", 0],
  ])("%s reads as %d", (text, value) => {
    const { node, warnings } = read({ [keys.asNumber]: text });
    expect(node.spec.bgp?.asNumber).toBe(value);
    expect(warnings).toEqual([]);
  });

  it.each(["", "4294967296", "-1", "+5", "65536.1", "1.65536", "1.2.3", "1.", "AS64512", " 64512"])(
    "%j is ignored with a warning (Calico tries to parse even an empty value)",
    (text) => {
      const { node, warnings } = read({ [keys.asNumber]: text });
      expect(node.spec.bgp).toBeUndefined();
      const why = parseASNumber(text);
      expect(why.ok).toBe(false);
      expect(warnings).toEqual([
        `Calico ignores annotation ${keys.asNumber}=${JSON.stringify(text)} on node n1: ${why.ok ? "" : why.message.replace(/\.$/, "")}. Fix: correct it or remove the annotation.`,
      ]);
    },
  );
});

describe("calicoNodeFromKubernetes: metadata and labels", () => {
  it("copies identity fields and records the Kubernetes labels in kube-labels", () => {
    const { node } = calicoNodeFromKubernetes({
      metadata: {
        name: "n1",
        uid: "8c3b-uid",
        resourceVersion: "42",
        creationTimestamp: "2024-01-01T00:00:00Z",
        labels: { zone: "a", "kubernetes.io/hostname": "n1" },
      },
    });
    expect(node.metadata).toEqual({
      name: "n1",
      uid: "8c3b-uid",
      resourceVersion: "42",
      creationTimestamp: "2024-01-01T00:00:00Z",
      labels: { zone: "a", "kubernetes.io/hostname": "n1" },
      annotations: { [keys.kubeLabels]: '{"kubernetes.io/hostname":"n1","zone":"a"}' },
    });
  });

  it("writes kube-labels as null when the core Node has no labels, as Go marshals a nil map", () => {
    const { node } = read({});
    expect(node.metadata.annotations).toEqual({ [keys.kubeLabels]: "null" });
    expect(node.metadata.labels).toBeUndefined();
  });

  it("merges Calico-only labels under the Kubernetes labels (Kubernetes wins)", () => {
    const { node } = calicoNodeFromKubernetes(
      coreNode({ [keys.labels]: '{"rack":"r1","zone":"calico"}' }, { zone: "a" }),
    );
    expect(node.metadata.labels).toEqual({ rack: "r1", zone: "a" });
  });

  it("reads Calico node annotations from projectcalico.org/annotations", () => {
    const { node } = read({ [keys.annotations]: '{"owner":"netops"}' });
    expect(node.metadata.annotations).toEqual({ owner: "netops", [keys.kubeLabels]: "null" });
  });

  it.each([
    [keys.labels, '{"rack":1}', 'the value of key "rack" is not a string'],
    [keys.labels, "[]", "not a JSON object of string values"],
    [keys.annotations, "{", "not valid JSON"],
  ])("ignores %s=%s with a warning", (key, value, why) => {
    const { node, warnings } = read({ [key]: value });
    expect(node.metadata.labels).toBeUndefined();
    expect(node.metadata.annotations).toEqual({ [keys.kubeLabels]: "null" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${key}=${JSON.stringify(value)}`);
    expect(warnings[0]).toContain(why);
  });

  it("reads a null labels annotation as no labels, as Go does", () => {
    expect(read({ [keys.labels]: "null" })).toMatchObject({ warnings: [] });
  });
});

describe("calicoNodeFromKubernetes: derived fields", () => {
  it("sets orchRefs, addresses, podCIDRs and the WireGuard keys", () => {
    const { node } = calicoNodeFromKubernetes({
      metadata: {
        name: "n1",
        annotations: {
          [keys.ipv4Address]: "10.0.0.5/24",
          [keys.ipv6Address]: "fd00::5/64",
          [keys.wireguardPublicKey]: "key4",
          [keys.wireguardPublicKeyV6]: "key6",
        },
      },
      spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24", "fd10::/64"] },
      status: {
        addresses: [
          { type: "Hostname", address: "n1" },
          { type: "InternalIP", address: "10.0.0.5" },
          { type: "ExternalIP", address: "203.0.113.5" },
        ],
      },
    });
    expect(node.spec.orchRefs).toEqual([{ nodeName: "n1", orchestrator: "k8s" }]);
    expect(node.spec.addresses).toEqual([
      { address: "10.0.0.5/24", type: "CalicoNodeIP" },
      { address: "fd00::5/64", type: "CalicoNodeIP" },
      { address: "10.0.0.5", type: "InternalIP" },
      { address: "203.0.113.5", type: "ExternalIP" },
    ]);
    expect(node.status).toEqual({
      wireguardPublicKey: "key4",
      wireguardPublicKeyV6: "key6",
      podCIDRs: ["10.244.1.0/24", "fd10::/64"],
    });
    expect(CalicoNodeSchema.safeParse(node).success).toBe(true);
  });

  it("derives the IPIP and WireGuard tunnel addresses from the pod CIDR with usePodCIDR", () => {
    const node: KubernetesNode = {
      metadata: {
        name: "n1",
        annotations: {
          [keys.ipv4IPIPTunnelAddr]: "192.168.0.1",
          [keys.wireguardPublicKey]: "key4",
          [keys.wireguardInterfaceIPv6Address]: "fd00::2",
        },
      },
      spec: { podCIDR: "10.244.1.255/24" },
    };
    const { node: calico } = calicoNodeFromKubernetes(node, { usePodCIDR: true });
    // The address as written plus one in the last byte, wrapping: Calico's getStaticTunnelAddress.
    expect(calico.spec.bgp).toEqual({ ipv4IPIPTunnelAddr: "10.244.1.0" });
    expect(calico.spec.wireguard).toEqual({ interfaceIPv4Address: "10.244.1.0" });
    expect(calicoNodeFromKubernetes(node).node.spec.bgp).toEqual({
      ipv4IPIPTunnelAddr: "192.168.0.1",
    });
  });

  it("sets no tunnel address for an IPv6 pod CIDR, and fails on a broken one", () => {
    const v6 = calicoNodeFromKubernetes(
      { metadata: { name: "n1" }, spec: { podCIDR: "fd10::/64" } },
      { usePodCIDR: true },
    );
    expect(v6.node.spec.bgp).toBeUndefined();
    expect(() =>
      calicoNodeFromKubernetes(
        { metadata: { name: "n1" }, spec: { podCIDR: "10.244.1.0" } },
        { usePodCIDR: true },
      ),
    ).toThrow(CalicoNodeConversionError);
  });
});

describe("calicoNodeFromKubernetes: projectcalico.org/Interfaces", () => {
  it("reads the interface list, matching keys case-insensitively as Go does", () => {
    const { node, warnings } = read({
      [keys.interfaces]: '[{"name":"eth0","addresses":["10.0.0.5","fd00::5"]},{"Name":"lo"}]',
    });
    expect(node.spec.interfaces).toEqual([
      { name: "eth0", addresses: ["10.0.0.5", "fd00::5"] },
      { name: "lo" },
    ]);
    expect(warnings).toEqual([]);
  });

  it("drops an invalid address with a warning", () => {
    const { node, warnings } = read({
      [keys.interfaces]: '[{"name":"eth0","addresses":["10.0.0.5","10.0.0.0/24","10.0.0.6"]}]',
    });
    expect(node.spec.interfaces).toEqual([{ name: "eth0", addresses: ["10.0.0.5", "10.0.0.6"] }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"10.0.0.0/24"');
  });

  it("keeps an invalid address that directly follows a dropped one, as Calico's loop does", () => {
    const { node } = read({
      [keys.interfaces]: '[{"name":"eth0","addresses":["bad1","bad2","10.0.0.6"]}]',
    });
    expect(node.spec.interfaces).toEqual([{ name: "eth0", addresses: ["bad2", "10.0.0.6"] }]);
  });

  it("ignores the whole value where Calico's loop would index past the end", () => {
    const { node, warnings } = read({
      [keys.interfaces]: '[{"name":"eth0","addresses":["bad","10.0.0.6","bad"]}]',
    });
    expect(node.spec.interfaces).toBeUndefined();
    expect(warnings.at(-1)).toContain("crashes");
  });

  it.each([
    ["{", "not valid JSON"],
    ['{"name":"eth0"}', "not a JSON array"],
    ['[{"name":5}]', "an interface name is not a string"],
    ['[{"addresses":"10.0.0.5"}]', "interface addresses are not an array"],
  ])("ignores %s with a warning", (value, why) => {
    const { node, warnings } = read({ [keys.interfaces]: value });
    expect(node.spec.interfaces).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(why);
  });

  it("reads [] as an empty list and null as no list", () => {
    expect(read({ [keys.interfaces]: "[]" }).node.spec.interfaces).toEqual([]);
    expect(read({ [keys.interfaces]: "null" }).node.spec.interfaces).toBeUndefined();
  });
});

describe("kubernetesNodeFieldsFromCalico", () => {
  it("writes set fields and deletes every empty one", () => {
    const node: CalicoNode = {
      apiVersion: "projectcalico.org/v3",
      kind: "Node",
      metadata: { name: "n1" },
      spec: {
        bgp: { asNumber: 65546, ipv4Address: "10.0.0.5/24", routeReflectorClusterID: "244.0.0.1" },
        interfaces: [
          { name: "eth0", addresses: ["10.0.0.5"] },
          { name: "", addresses: [] },
        ],
      },
    };
    expect(kubernetesNodeFieldsFromCalico(node)).toEqual({
      annotations: {
        [keys.labels]: null,
        [keys.annotations]: null,
        [keys.ipv4VXLANTunnelAddr]: null,
        [keys.vxlanTunnelMACAddr]: null,
        [keys.ipv6VXLANTunnelAddr]: null,
        [keys.vxlanTunnelMACAddrV6]: null,
        [keys.ipv4Address]: "10.0.0.5/24",
        [keys.ipv4IPIPTunnelAddr]: null,
        [keys.ipv6Address]: null,
        [keys.asNumber]: "65546",
        [keys.routeReflectorClusterID]: "244.0.0.1",
        [keys.wireguardInterfaceIPv4Address]: null,
        [keys.wireguardInterfaceIPv6Address]: null,
        [keys.wireguardPublicKey]: null,
        [keys.wireguardPublicKeyV6]: null,
        [keys.interfaces]: '[{"name":"eth0","addresses":["10.0.0.5"]},{}]',
      },
      warnings: [],
    });
  });

  it("stores only Calico-only labels and warns about a change shadowed by a Kubernetes label", () => {
    const { node } = calicoNodeFromKubernetes(
      coreNode({ [keys.labels]: '{"rack":"r1"}' }, { zone: "a", "route-reflector": "true" }),
    );
    node.metadata.labels = { ...node.metadata.labels, zone: "b", tier: "<edge>" };
    const { annotations, warnings } = kubernetesNodeFieldsFromCalico(node);
    expect(annotations[keys.labels]).toBe('{"rack":"r1","tier":"\\u003cedge\\u003e"}');
    expect(annotations[keys.annotations]).toBeNull();
    expect(warnings).toEqual([
      'Calico ignores label zone="b" on node n1: the Kubernetes label zone="a" shadows it. Fix: change the label on the Kubernetes Node instead.',
    ]);
  });

  it("stores every label when the node carries no kube-labels record", () => {
    const node: CalicoNode = {
      apiVersion: "projectcalico.org/v3",
      kind: "Node",
      metadata: { name: "n1", labels: { b: "2", a: "1" }, annotations: { note: "x" } },
      spec: {},
    };
    const { annotations } = kubernetesNodeFieldsFromCalico(node);
    expect(annotations[keys.labels]).toBe('{"a":"1","b":"2"}');
    expect(annotations[keys.annotations]).toBe('{"note":"x"}');
  });

  it("refuses a kube-labels record that is not JSON, as Calico's update does", () => {
    const node: CalicoNode = {
      apiVersion: "projectcalico.org/v3",
      kind: "Node",
      metadata: { name: "n1", annotations: { [keys.kubeLabels]: "{" } },
      spec: {},
    };
    expect(() => kubernetesNodeFieldsFromCalico(node)).toThrowError(
      expect.objectContaining({
        _tag: "CalicoNodeConversionError",
        field: `metadata.annotations["${keys.kubeLabels}"]`,
      }),
    );
  });
});

// Applies a merge patch's annotations to a core Node, as the API server would.
function applyAnnotations(
  node: KubernetesNode,
  patch: Record<string, string | null>,
): KubernetesNode {
  const annotations: Record<string, string> = { ...node.metadata.annotations };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete annotations[key];
    else annotations[key] = value;
  }
  return { ...node, metadata: { ...node.metadata, annotations } };
}

const labelKey = fc.constantFrom(
  "zone",
  "rack",
  "route-reflector",
  "kubernetes.io/hostname",
  "9",
  "10",
);
const labelMap = fc.dictionary(labelKey, fc.string({ maxLength: 6 }), { maxKeys: 4 });
const ipv4 = fc.ipV4();
const ipv6 = fc.constantFrom("fd00::5", "2001:db8::1", "::1", "fe80::a:b");
const anyText = fc.oneof(fc.string({ maxLength: 12 }), ipv4, ipv6);
const annotationValue = (valid: fc.Arbitrary<string>) =>
  fc.option(fc.oneof(valid, anyText), { nil: undefined });

const kubernetesNodes: fc.Arbitrary<KubernetesNode> = fc
  .record({
    labels: fc.option(labelMap, { nil: undefined }),
    calicoLabels: fc.option(
      fc.oneof(
        labelMap.map((m) => JSON.stringify(m)),
        anyText,
      ),
      { nil: undefined },
    ),
    calicoAnnotations: fc.option(
      labelMap.map((m) => JSON.stringify(m)),
      { nil: undefined },
    ),
    ipv4Address: annotationValue(
      fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`),
    ),
    ipv6Address: annotationValue(ipv6),
    asNumber: annotationValue(
      fc.oneof(fc.nat({ max: 4294967295 }).map(String), fc.constant("1.10")),
    ),
    clusterID: annotationValue(ipv4),
    ipip: annotationValue(ipv4),
    vxlanMac: annotationValue(fc.constant("66:da:4b:12:3a:7f")),
    wireguardKey: fc.option(fc.base64String({ minLength: 4, maxLength: 8 }), { nil: undefined }),
    interfaces: fc.option(
      fc
        .array(
          fc.record({
            name: fc.constantFrom("eth0", "lo"),
            addresses: fc.array(fc.oneof(ipv4, ipv6), { maxLength: 2 }),
          }),
          {
            maxLength: 2,
          },
        )
        .map((list) => JSON.stringify(list)),
      { nil: undefined },
    ),
  })
  .map((g) => {
    const annotations: Record<string, string> = {};
    const put = (key: string, value: string | undefined) => {
      if (value !== undefined) annotations[key] = value;
    };
    put(keys.labels, g.calicoLabels);
    put(keys.annotations, g.calicoAnnotations);
    put(keys.ipv4Address, g.ipv4Address);
    put(keys.ipv6Address, g.ipv6Address);
    put(keys.asNumber, g.asNumber);
    put(keys.routeReflectorClusterID, g.clusterID);
    put(keys.ipv4IPIPTunnelAddr, g.ipip);
    put(keys.vxlanTunnelMACAddr, g.vxlanMac);
    put(keys.wireguardPublicKey, g.wireguardKey);
    put(keys.interfaces, g.interfaces);
    put("example.com/unrelated", "kept");
    return {
      metadata: {
        name: "n1",
        annotations,
        ...(g.labels === undefined ? {} : { labels: g.labels }),
      },
      status: { addresses: [{ type: "InternalIP", address: "10.0.0.9" }] },
    };
  });

describe("round trip: core Node -> Calico Node -> core Node", () => {
  it("writing back what was read changes nothing Calico sees, and clears what it ignores", () => {
    fc.assert(
      fc.property(kubernetesNodes, (core) => {
        const first = calicoNodeFromKubernetes(core);
        const { annotations, warnings } = kubernetesNodeFieldsFromCalico(first.node);
        expect(warnings).toEqual([]);
        const written = applyAnnotations(core, annotations);
        const second = calicoNodeFromKubernetes(written);
        expect(second.node).toEqual(first.node);
        expect(second.warnings).toEqual([]);
        expect(written.metadata.labels).toEqual(core.metadata.labels);
        expect(written.metadata.annotations?.["example.com/unrelated"]).toBe("kept");
      }),
    );
  });

  it("a Calico Node written to a core Node reads back with the same spec and labels", () => {
    const calicoNodes = fc.record({
      k8sLabels: labelMap,
      calicoLabels: labelMap,
      bgp: fc.record(
        {
          asNumber: fc.nat({ max: 4294967295 }),
          ipv4Address: ipv4,
          ipv6Address: ipv6,
          routeReflectorClusterID: ipv4,
          ipv4IPIPTunnelAddr: ipv4,
        },
        { requiredKeys: ["ipv4Address"] },
      ),
      vxlan: fc.option(ipv4, { nil: undefined }),
    });
    fc.assert(
      fc.property(calicoNodes, ({ k8sLabels, calicoLabels, bgp, vxlan }) => {
        const node: CalicoNode = {
          apiVersion: "projectcalico.org/v3",
          kind: "Node",
          metadata: { name: "n1", labels: { ...calicoLabels, ...k8sLabels } },
          spec: { bgp, ...(vxlan === undefined ? {} : { ipv4VXLANTunnelAddr: vxlan }) },
        };
        const { annotations } = kubernetesNodeFieldsFromCalico(node);
        const core = applyAnnotations({ metadata: { name: "n1", labels: k8sLabels } }, annotations);
        const { node: back, warnings } = calicoNodeFromKubernetes(core);
        expect(warnings).toEqual([]);
        expect(back.spec.bgp).toEqual(bgp);
        expect(back.spec.ipv4VXLANTunnelAddr).toBe(vxlan);
        expect(back.metadata.labels ?? {}).toEqual({ ...calicoLabels, ...k8sLabels });
      }),
    );
  });
});

describe("isRouteReflectorClusterId", () => {
  it.each(["244.0.0.1", "245.0.0.1", "0.0.0.0", "255.255.255.255"])("accepts %s", (text) => {
    expect(isRouteReflectorClusterId(text)).toBe(true);
  });

  // Calico's validator vectors (abcdef, 300.34.3.1) and forms the annotation reader would keep.
  it.each([
    "abcdef",
    "300.34.3.1",
    "",
    "244.0.0.0/8",
    "244.0.0.1/32",
    "010.0.0.1",
    "::ffff:244.0.0.1",
    "fd10::10",
    " 244.0.0.1",
  ])("refuses %j", (text) => {
    expect(isRouteReflectorClusterId(text)).toBe(false);
  });
});

describe("documentation examples", () => {
  it("calicoNodeFromKubernetes holds as written in its JSDoc", () => {
    const { node, warnings } = calicoNodeFromKubernetes({
      metadata: {
        name: "rr-1",
        labels: { "route-reflector": "true" },
        annotations: {
          "projectcalico.org/IPv4Address": "10.0.0.5/24",
          "projectcalico.org/RouteReflectorClusterID": "288.0.4.5",
        },
      },
    });
    expect(node.spec.bgp).toEqual({ ipv4Address: "10.0.0.5/24" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Calico ignores annotation projectcalico.org\/RouteReflectorClusterID="288.0.4.5" /,
    );
  });
});
