import { describe, expect, it } from "vitest";
import type { BgpConfiguration } from "./BgpConfiguration.js";
import type { BgpPeer } from "./BgpPeer.js";
import type { BlockAffinity } from "./BlockAffinity.js";
import { applyDefaults, applyReadDefaults } from "./Defaults.js";
import type { IpPool } from "./IpPool.js";

const meta = { metadata: { name: "x" } };

describe("applyDefaults", () => {
  it("fills BGPConfiguration's CRD defaults and nothing else", () => {
    const config: BgpConfiguration = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPConfiguration",
      ...meta,
      spec: {},
    };
    expect(applyDefaults(config).spec).toEqual({
      logSeverityScreen: "Info",
      serviceLoadBalancerAggregation: "Enabled",
    });
    expect(config.spec).toEqual({});
  });

  it("keeps values that are set", () => {
    const config: BgpConfiguration = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPConfiguration",
      ...meta,
      spec: { logSeverityScreen: "Debug", serviceLoadBalancerAggregation: "Disabled" },
    };
    expect(applyDefaults(config).spec).toEqual(config.spec);
  });

  it("gives a BGPPeer password's secretKeyRef an empty name, as the CRD does", () => {
    const peer: BgpPeer = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      ...meta,
      spec: { peerIP: "10.0.0.1", password: { secretKeyRef: { key: "pw" } } },
    };
    expect(applyDefaults(peer).spec.password).toEqual({ secretKeyRef: { key: "pw", name: "" } });
    const plain: BgpPeer = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      ...meta,
      spec: { peerIP: "10.0.0.1" },
    };
    expect(applyDefaults(plain)).toBe(plain);
  });

  it("fills IPPool defaults as libcalico-go's client does, per address family", () => {
    const v4: IpPool = {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      ...meta,
      spec: { cidr: "10.244.0.0/16" },
    };
    expect(applyDefaults(v4).spec).toEqual({
      cidr: "10.244.0.0/16",
      nodeSelector: "all()",
      blockSize: 26,
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
      ipipMode: "Never",
      vxlanMode: "Never",
    });
    const v6: IpPool = {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      ...meta,
      spec: { cidr: "FD00:0:0:0::/48", blockSize: 0, nodeSelector: "", vxlanMode: "Always" },
    };
    expect(applyDefaults(v6).spec).toMatchObject({
      cidr: "fd00::/48",
      blockSize: 122,
      nodeSelector: "all()",
      vxlanMode: "Always",
    });
  });

  it("sets BlockAffinity deleted: false in the v3 form only", () => {
    const affinity: BlockAffinity = {
      apiVersion: "projectcalico.org/v3",
      kind: "BlockAffinity",
      ...meta,
      spec: { cidr: "10.244.1.0/26", node: "n1", state: "confirmed" },
    };
    expect(applyDefaults(affinity).spec.deleted).toBe(false);
  });
});

describe("applyReadDefaults", () => {
  it("defaults an IPPool read from storage as libcalico-go does, leaving its CIDR as stored", () => {
    const pool: IpPool = {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      ...meta,
      spec: { cidr: "fd00:0:0::/48", natOutgoing: true },
    };
    expect(applyReadDefaults(pool).spec).toEqual({
      cidr: "fd00:0:0::/48",
      natOutgoing: true,
      nodeSelector: "all()",
      blockSize: 122,
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
      ipipMode: "Never",
      vxlanMode: "Never",
    });
  });

  it("leaves a pool whose CIDR Calico cannot parse, and other kinds, as they are", () => {
    const pool: IpPool = {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      ...meta,
      spec: { cidr: "not-a-cidr" },
    };
    expect(applyReadDefaults(pool)).toBe(pool);
    const peer: BgpPeer = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      ...meta,
      spec: { password: { secretKeyRef: { key: "pw" } } },
    };
    expect(applyReadDefaults(peer)).toBe(peer);
  });
});
