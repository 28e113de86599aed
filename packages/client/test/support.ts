import type { ControlPlaneInfo } from "@calicokit/testkit";
// brings in the typing of inject("controlPlanes")
import type {} from "@calicokit/testkit/vitest-global-setup";
import { KubeConfig } from "@kubernetes/client-node";
import {
  type ApiGroup,
  type CalicoObject,
  calicoV1Api,
  calicoV3Api,
  type ResourceKind,
  type WireCodec,
} from "../src/CalicoObject.js";
import type { Transport } from "../src/internal/Transport.js";
import { ResourceClient } from "../src/ResourceClient.js";
import type { RetryOptions } from "../src/RetryPolicy.js";

/** A KubeConfig for `url` (the apiserver, or a fault proxy in front of it) with `token`. */
export function kubeConfigFor(cp: ControlPlaneInfo, url = cp.url, token = cp.admin.token) {
  const kc = new KubeConfig();
  const plain = url.startsWith("http:");
  kc.loadFromOptions({
    clusters: [
      {
        name: "c",
        server: url,
        // client-node refuses plain http unless TLS verification is explicitly off
        ...(plain
          ? { skipTLSVerify: true }
          : { caData: Buffer.from(cp.caData).toString("base64") }),
      },
    ],
    users: [{ name: "u", token }],
    contexts: [{ name: "ctx", cluster: "c", user: "u" }],
    currentContext: "ctx",
  });
  return kc;
}

/** The BGPPeer group/version path of a control plane, for raw reads. */
export function peersPath(cp: ControlPlaneInfo): string {
  return cp.calicoApi === "v3"
    ? "/apis/projectcalico.org/v3/bgppeers"
    : "/apis/crd.projectcalico.org/v1/bgppeers";
}

/** The API group the client uses for a control plane's CRD set. */
export function apiGroupOf(set: "v1" | "v3"): ApiGroup {
  return set === "v3" ? calicoV3Api : calicoV1Api;
}

// A codec that only sets apiVersion, for tests of the transport, CRUD, paging, watch and retry
// mechanics independent of Calico's schemas (the validated path is tested through CalicoClient).
function plainCodec(api: ApiGroup): WireCodec {
  return {
    api,
    labelsServerSide: true,
    storedUid: (uid) => uid,
    encode: (o) => ({ body: { ...o, apiVersion: api.apiVersion }, warnings: [] }),
    decode: (raw) => raw as CalicoObject,
  };
}

const plainPeerKind: ResourceKind<CalicoObject> = {
  kind: "BGPPeer",
  plural: "bgppeers",
  read: (o) => o,
};

/** A BGPPeer ResourceClient over the plain codec: objects go to the apiserver as they are. */
export function plainPeerClient(
  transport: Transport,
  api: ApiGroup,
  retry?: RetryOptions,
): ResourceClient<CalicoObject> {
  return new ResourceClient(transport, plainPeerKind, plainCodec(api), retry);
}

/** A v3 BGPPeer named `name`; labels only when given, spec defaults to a plain IP peer. */
export function testPeer(
  name: string,
  fields: { labels?: Record<string, string>; spec?: object } = {},
): CalicoObject {
  const { labels, spec = { peerIP: "10.0.0.1", asNumber: 64512 } } = fields;
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: labels === undefined ? { name } : { name, labels },
    spec,
  };
}
