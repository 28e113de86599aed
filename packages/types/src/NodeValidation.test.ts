import { describe, expect, it } from "vitest";
import { validateResource } from "./Validation.js";

// A Node as `calicoctl get node rr-1 -o yaml` prints it on the Kubernetes datastore (metadata of
// the core Node, kube-labels bookkeeping, orchRefs and addresses derived), after the documented
// route-reflector edit: a Calico label and spec.bgp.routeReflectorClusterID.
function calicoctlNode() {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "Node",
    metadata: {
      name: "rr-1",
      uid: "6f1a3c2e-9b1d-4c55-8a77-0e2f4d6b8c91",
      resourceVersion: "1207",
      creationTimestamp: "2026-11-30T19:03:42Z",
      labels: {
        "kubernetes.io/hostname": "rr-1",
        "kubernetes.io/os": "linux",
        "route-reflector": "true",
      },
      annotations: {
        "projectcalico.org/kube-labels":
          '{"kubernetes.io/hostname":"rr-1","kubernetes.io/os":"linux"}',
      },
    },
    spec: {
      addresses: [
        { address: "10.0.0.5/24", type: "CalicoNodeIP" },
        { address: "10.0.0.5", type: "InternalIP" },
      ],
      bgp: {
        ipv4Address: "10.0.0.5/24",
        ipv4IPIPTunnelAddr: "192.168.12.1",
        routeReflectorClusterID: "244.0.0.1",
      },
      orchRefs: [{ nodeName: "rr-1", orchestrator: "k8s" }],
      ipv4VXLANTunnelAddr: "192.168.12.0",
      vxlanTunnelMACAddr: "66:da:4b:12:3a:7f",
      wireguard: { interfaceIPv4Address: "192.168.12.2" },
    },
    status: {
      podCIDRs: ["192.168.12.0/24"],
      wireguardPublicKey: "jNOd1L8d1m5Bz2P2F7u3O0cTq4xTtq2gY0jD3o1U0Xk=",
    },
  };
}

type NodeObject = ReturnType<typeof calicoctlNode>;

function issuesOf(edit: (node: NodeObject) => void) {
  const node = calicoctlNode();
  edit(node);
  const result = validateResource(node);
  return result.ok ? [] : result.issues.map((i) => [i.path, i.rule]);
}

describe("validateResource: projectcalico.org/v3 Node (libcalico-go's Node rules)", () => {
  it("accepts the Node calicoctl prints, edited as Calico's route-reflector procedure says", () => {
    expect(issuesOf(() => {})).toEqual([]);
    expect(validateResource(calicoctlNode())).toMatchObject({ ok: true, warnings: [] });
  });

  it("accepts an asdot AS number and returns it as a plain integer", () => {
    const node = calicoctlNode();
    Object.assign(node.spec.bgp, { asNumber: "1.10" });
    const result = validateResource(node);
    expect(result.ok && result.value.kind === "Node" && result.value.spec.bgp?.asNumber).toBe(
      65546,
    );
  });

  it.each([
    ["spec.bgp.routeReflectorClusterID", "node.ipv4", "abcdef"],
    ["spec.bgp.routeReflectorClusterID", "node.ipv4", "300.34.3.1"],
    ["spec.bgp.routeReflectorClusterID", "node.ipv4", "244.0.0.0/8"],
    ["spec.bgp.routeReflectorClusterID", "node.ipv4", "fd10::10"],
    ["spec.bgp.ipv4Address", "node.cidrv4", "fd00::5/64"],
    ["spec.bgp.ipv4Address", "node.cidrv4", "10.0.0.256/24"],
    ["spec.bgp.ipv6Address", "node.cidrv6", "10.0.0.5/24"],
    ["spec.bgp.ipv4IPIPTunnelAddr", "node.ipv4", "192.168.12.1/32"],
  ])("rejects %s %s (%s)", (path, rule, value) => {
    const field = path.split(".").at(-1) as string;
    expect(issuesOf((node) => Object.assign(node.spec.bgp, { [field]: value }))).toEqual([
      [path, rule],
    ]);
  });

  it("accepts what libcalico-go accepts: CIDRs with host bits, IPv4-mapped IPv6 as IPv4, 245.0.0.1", () => {
    expect(
      issuesOf((node) =>
        Object.assign(node.spec.bgp, {
          ipv4Address: "10.0.0.5/24",
          ipv6Address: "fd00::5/64",
          routeReflectorClusterID: "245.0.0.1",
          ipv4IPIPTunnelAddr: "::ffff:192.168.12.1",
        }),
      ),
    ).toEqual([]);
  });

  it("rejects an empty spec.bgp with Calico's message", () => {
    const node = calicoctlNode();
    Object.assign(node.spec, { bgp: {} });
    const result = validateResource(node);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/Spec\.BGP should not be empty/);
  });

  it("rejects AS numbers outside uint32 and accepts those above int32 (an annotation, no CRD)", () => {
    expect(issuesOf((node) => Object.assign(node.spec.bgp, { asNumber: 4294967296 }))).toEqual([
      ["spec.bgp.asNumber", "asnumber.format"],
    ]);
    expect(issuesOf((node) => Object.assign(node.spec.bgp, { asNumber: 4294967295 }))).toEqual([]);
  });

  it("checks tunnel addresses, MACs and WireGuard keys, not inside addresses or interfaces", () => {
    expect(
      issuesOf((node) => {
        node.spec.ipv4VXLANTunnelAddr = "fd00::1";
        node.spec.vxlanTunnelMACAddr = "66:da:4b:12:3a";
        node.spec.wireguard.interfaceIPv4Address = "192.168.12.2/32";
        // slices without `dive` in libcalico-go: their items are not validated
        node.spec.addresses.push({ address: "10.0.0.7/24", type: "HostIP" });
        Object.assign(node.spec, { interfaces: [{ name: "Eth0", addresses: ["x"] }] });
        node.status.wireguardPublicKey = "foobar";
      }),
    ).toEqual([
      ["spec.ipv4VXLANTunnelAddr", "node.ipv4"],
      ["spec.vxlanTunnelMACAddr", "node.mac"],
      ["spec.wireguard.interfaceIPv4Address", "node.ipv4"],
      ["status.wireguardPublicKey", "node.wireguardPublicKey"],
    ]);
    expect(
      issuesOf((node) => {
        node.status.wireguardPublicKey = "jlkVyQYooZYzI2wFfNhSZez5eWh44yfq1wKVjLvSXgY=";
      }),
    ).toEqual([]);
  });

  it("refuses unknown fields, a bad name, a YAML-boolean label value and the v1 API group", () => {
    expect(
      issuesOf((node) => Object.assign(node.spec.bgp, { routeReflectorClusterId: "244.0.0.1" })),
    ).toHaveLength(1);
    expect(issuesOf((node) => Object.assign(node.metadata, { name: "RR_1" }))[0]?.[0]).toBe(
      "metadata.name",
    );
    expect(
      issuesOf((node) => Object.assign(node.metadata.labels, { "route-reflector": true }))[0]?.[0],
    ).toMatch(/^metadata\.labels/);
    const v1 = { ...calicoctlNode(), apiVersion: "crd.projectcalico.org/v1" };
    expect(validateResource(v1)).toMatchObject({ ok: false, issues: [{ path: "apiVersion" }] });
  });
});
