import { validateResource } from "@calicokit/types";
import { test } from "vitest";

// Target (issue 3): >= 300k validateResource calls/s of a BGPPeer, one core.

/** The route-reflector peering of a mesh -> RR migration (selectors, no asNumber). */
const rrPeer = {
  apiVersion: "projectcalico.org/v3",
  kind: "BGPPeer",
  metadata: { name: "peer-to-rrs", labels: { "app.kubernetes.io/managed-by": "calicokit" } },
  spec: {
    nodeSelector: "!has(projectcalico.org/RouteReflectorClusterID)",
    peerSelector: "has(projectcalico.org/RouteReflectorClusterID)",
  },
};

/** An external peer with most fields set. */
const externalPeer = {
  apiVersion: "projectcalico.org/v3",
  kind: "BGPPeer",
  metadata: { name: "tor-a" },
  spec: {
    nodeSelector: "rack == 'r1'",
    peerIP: "10.0.0.1:179",
    asNumber: 64513,
    localASNumber: "1.10",
    reachableBy: "10.0.0.254",
    nextHopMode: "Self",
    maxRestartTime: "120s",
    keepaliveTime: "20s",
    ttlSecurity: 1,
    filters: ["no-private"],
    password: { secretKeyRef: { name: "bgp-secrets", key: "tor-a" } },
  },
};

/** Invalid on several counts: CEL exclusion, peerIP port, selector syntax. */
const invalidPeer = {
  apiVersion: "projectcalico.org/v3",
  kind: "BGPPeer",
  metadata: { name: "bad" },
  spec: { peerIP: "10.0.0.1:0", peerSelector: "zone == a", asNumber: 64512 },
};

// A local binding: the module runner's export getters would otherwise be timed with every call.
const validate = validateResource;
let sink = 0;

test("validateResource: BGPPeer", async ({ bench }) => {
  await bench.compare(
    bench("valid BGPPeer (route-reflector selectors)", () => {
      if (validate(rrPeer).ok) sink++;
    }),
    bench("valid BGPPeer (external peer, 12 fields)", () => {
      if (validate(externalPeer).ok) sink++;
    }),
    bench("invalid BGPPeer (3 issues)", () => {
      if (!validate(invalidPeer).ok) sink++;
    }),
  );
});

process.on("exit", () => {
  if (sink === -1) console.log(sink);
});
