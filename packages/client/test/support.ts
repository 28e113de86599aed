import { randomBytes } from "node:crypto";
import type { ControlPlaneInfo } from "@calicokit/testkit";
// brings in the typing of inject("controlPlanes")
import type {} from "@calicokit/testkit/vitest-global-setup";
import { KubeConfig } from "@kubernetes/client-node";

/** A short random suffix: the control planes are shared by every test file of the run. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

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
