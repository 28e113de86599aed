import { stringify } from "yaml";

export interface KubeconfigInput {
  readonly url: string;
  readonly caData: string;
  readonly user: string;
  readonly token: string;
  /** Context and cluster name; defaults to `calicokit-test`. */
  readonly clusterName?: string;
}

/**
 * Renders a one-context kubeconfig (YAML) for a bearer-token user, as kubectl and
 * `@kubernetes/client-node` read it.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs"
 *
 * const kubeconfig = renderKubeconfig({ url: cp.url, caData: cp.caData, user: "admin", token: cp.admin.token })
 * writeFileSync("admin.kubeconfig", kubeconfig, { mode: 0o600 })
 * ```
 */
export function renderKubeconfig(input: KubeconfigInput): string {
  const cluster = input.clusterName ?? "calicokit-test";
  const context = `${input.user}@${cluster}`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: cluster,
        cluster: {
          server: input.url,
          "certificate-authority-data": Buffer.from(input.caData).toString("base64"),
        },
      },
    ],
    users: [{ name: input.user, user: { token: input.token } }],
    contexts: [{ name: context, context: { cluster, user: input.user } }],
    "current-context": context,
  });
}
