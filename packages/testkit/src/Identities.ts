import { type KubeHttp, type KubeResponse, statusMessage } from "./KubeHttp.js";
import { TestkitError } from "./TestkitError.js";

async function expectOk(what: string, res: Promise<KubeResponse>, allow: number[] = []) {
  const r = await res;
  if (r.status >= 300 && !allow.includes(r.status)) {
    throw new TestkitError(
      "RequestFailed",
      `${what} failed (HTTP ${r.status}): ${statusMessage(r.text)}`,
    );
  }
  return r;
}

/**
 * Creates a namespace (no controller-manager runs, so it is never cleaned up by deletion:
 * isolate tests by unique names instead).
 *
 * @example
 * ```ts
 * import { randomUUID } from "node:crypto"
 *
 * await createNamespace(cp.http(), `t-${randomUUID().slice(0, 8)}`)
 * ```
 */
export async function createNamespace(api: KubeHttp, name: string): Promise<void> {
  await expectOk(
    `create namespace ${name}`,
    api.request({ method: "POST", path: "/api/v1/namespaces", body: { metadata: { name } } }),
    [409],
  );
}

/**
 * Creates a ServiceAccount and returns a token for it from the TokenRequest API.
 *
 * @example
 * ```ts
 * const token = await serviceAccountToken(cp.http(), "ns", "migrator")
 * const asMigrator = cp.http(token)
 * ```
 */
export async function serviceAccountToken(
  api: KubeHttp,
  namespace: string,
  name: string,
  expirationSeconds = 3600,
): Promise<string> {
  const base = `/api/v1/namespaces/${namespace}/serviceaccounts`;
  await expectOk(
    `create ServiceAccount ${namespace}/${name}`,
    api.request({ method: "POST", path: base, body: { metadata: { name } } }),
    [409],
  );
  const res = await expectOk(
    `TokenRequest for ${namespace}/${name}`,
    api.request({
      method: "POST",
      path: `${base}/${name}/token`,
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds },
      },
    }),
  );
  return res.json<{ status: { token: string } }>().status.token;
}

/** An RBAC subject: a user, a group, or a ServiceAccount. */
export type Subject =
  | { readonly kind: "User" | "Group"; readonly name: string }
  | { readonly kind: "ServiceAccount"; readonly name: string; readonly namespace: string };

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/**
 * Creates a Role (in `namespace`) or ClusterRole (without) with `rules` and binds it to
 * `subject`. Returns once both exist.
 *
 * @example
 * ```ts
 * await grant(cp.http(), { name: "read-peers", subject: { kind: "User", name: "restricted" },
 *   rules: [{ apiGroups: ["projectcalico.org"], resources: ["bgppeers"], verbs: ["get", "list"] }] })
 * ```
 */
export async function grant(
  api: KubeHttp,
  input: {
    readonly name: string;
    readonly subject: Subject;
    readonly rules: readonly PolicyRule[];
    readonly namespace?: string;
  },
): Promise<void> {
  const base =
    input.namespace === undefined
      ? "/apis/rbac.authorization.k8s.io/v1"
      : `/apis/rbac.authorization.k8s.io/v1/namespaces/${input.namespace}`;
  const cluster = input.namespace === undefined;
  const subject =
    input.subject.kind === "ServiceAccount"
      ? input.subject
      : { ...input.subject, apiGroup: "rbac.authorization.k8s.io" };
  await expectOk(
    `create role ${input.name}`,
    api.request({
      method: "POST",
      path: `${base}/${cluster ? "clusterroles" : "roles"}`,
      body: { metadata: { name: input.name }, rules: input.rules },
    }),
  );
  await expectOk(
    `bind role ${input.name}`,
    api.request({
      method: "POST",
      path: `${base}/${cluster ? "clusterrolebindings" : "rolebindings"}`,
      body: {
        metadata: { name: input.name },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: cluster ? "ClusterRole" : "Role",
          name: input.name,
        },
        subjects: [subject],
      },
    }),
  );
}
