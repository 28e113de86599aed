import { describe, expect, it } from "vitest";
import type { BgpConfiguration } from "./BgpConfiguration.js";
import type { BgpFilter } from "./BgpFilter.js";
import type { BgpPeer } from "./BgpPeer.js";
import type { CalicoNodeStatus } from "./CalicoNodeStatus.js";
import type { IpPool } from "./IpPool.js";
import { toStoredForm } from "./StoredForm.js";

const metadata = { name: "x" };

describe("toStoredForm (what calicoctl has the API server store)", () => {
  it("leaves out a BGPPeer's omitempty zero values and keeps its pointer fields", () => {
    const peer: BgpPeer = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata,
      spec: {
        node: "",
        nodeSelector: "",
        peerIP: "192.0.2.1",
        asNumber: 0,
        peerSelector: "",
        keepOriginalNextHop: false,
        reachableBy: "",
        filters: [],
        localWorkloadSelector: "",
        localASNumber: 0,
        numAllowedLocalASNumbers: 0,
        ttlSecurity: 0,
      },
    };
    expect(toStoredForm(peer).spec).toEqual({
      peerIP: "192.0.2.1",
      localASNumber: 0,
      numAllowedLocalASNumbers: 0,
      ttlSecurity: 0,
    });
    expect(peer.spec.keepOriginalNextHop).toBe(false);
  });

  it("writes durations as Go's Duration.String and defaults a password's secret name", () => {
    const peer: BgpPeer = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata,
      spec: {
        peerIP: "192.0.2.1",
        maxRestartTime: "120s",
        keepaliveTime: "1500ms",
        password: { secretKeyRef: { name: "", key: "pw" } },
      },
    };
    expect(toStoredForm(peer).spec).toEqual({
      peerIP: "192.0.2.1",
      maxRestartTime: "2m0s",
      keepaliveTime: "1.5s",
      password: { secretKeyRef: { name: "", key: "pw" } },
    });
  });

  it("keeps BGPConfiguration's pointer false and drops its zero lists, port and strings", () => {
    const config: BgpConfiguration = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPConfiguration",
      metadata: { name: "default" },
      spec: {
        nodeToNodeMeshEnabled: false,
        asNumber: 0,
        listenPort: 0,
        logSeverityScreen: "",
        ignoredInterfaces: [],
        serviceClusterIPs: [],
        localWorkloadPeeringIPV4: "",
        nodeMeshPassword: { secretKeyRef: { key: "pw" } },
      },
    } as BgpConfiguration;
    expect(toStoredForm(config).spec).toEqual({
      nodeToNodeMeshEnabled: false,
      asNumber: 0,
      logSeverityScreen: "Info",
      serviceLoadBalancerAggregation: "Enabled",
      nodeMeshPassword: { secretKeyRef: { name: "", key: "pw" } },
    });
  });

  it("stores an IPPool with libcalico-go's defaults and without false booleans", () => {
    const pool: IpPool = {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      metadata,
      spec: { cidr: "10.244.1.7/16", natOutgoing: false, disabled: false, blockSize: 0 },
    };
    expect(toStoredForm(pool).spec).toEqual({
      cidr: "10.244.0.0/16",
      nodeSelector: "all()",
      blockSize: 26,
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
      ipipMode: "Never",
      vxlanMode: "Never",
    });
  });

  it("drops a BGPFilter rule's empty strings and lists but keeps its action", () => {
    const filter: BgpFilter = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPFilter",
      metadata,
      spec: {
        exportV4: [
          {
            action: "Accept",
            cidr: "10.0.0.0/8",
            matchOperator: "In",
            interface: "",
            asPathPrefix: [],
          },
        ],
        importV6: [],
      },
    } as BgpFilter;
    expect(toStoredForm(filter).spec).toEqual({
      exportV4: [{ action: "Accept", cidr: "10.0.0.0/8", matchOperator: "In" }],
    });
  });

  it("keeps a CalicoNodeStatus period of 0 (a pointer) and drops empty classes", () => {
    const status: CalicoNodeStatus = {
      apiVersion: "projectcalico.org/v3",
      kind: "CalicoNodeStatus",
      metadata,
      spec: { node: "n1", classes: [], updatePeriodSeconds: 0 },
    } as CalicoNodeStatus;
    expect(toStoredForm(status).spec).toEqual({ node: "n1", updatePeriodSeconds: 0 });
  });
});
