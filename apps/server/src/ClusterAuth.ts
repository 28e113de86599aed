import { createHash } from "node:crypto";
import { fromUnknown } from "@calicokit/client";
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { HttpProblem } from "./HttpProblem.js";
import { ShortCache } from "./internal/ShortCache.js";
import { clusterProblem } from "./ProblemMapping.js";

/** Who is calling, as the cluster's TokenReview says. */
export interface Identity {
  readonly username: string;
  readonly uid: string | undefined;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** One permission: a verb on a resource, as RBAC names it. */
export interface Permission {
  readonly verb: string;
  /** API group; `""` for the core group. */
  readonly group: string;
  readonly resource: string;
  /** e.g. `eviction` for `pods/eviction`. */
  readonly subresource?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** The virtual resource the service's own actions are authorised against. */
export const migrationsResource = { group: "calicokit.io", resource: "migrations" } as const;

export interface ClusterAuthOptions {
  /** How long a TokenReview or SubjectAccessReview answer is reused, in ms. Default 10 000. */
  readonly cacheMs?: number;
}

/**
 * Authentication and authorisation by the cluster itself: bearer tokens go to TokenReview, each
 * action to SubjectAccessReview, both sent with the service's own credentials. Answers are
 * cached briefly (by a hash of the token, never the token) so a busy reader does not cost two
 * API calls per request.
 *
 * @example
 * ```ts
 * import { ClusterAuth } from "@calicokit/server"
 * import { loadKubeConfig } from "@calicokit/client"
 * const auth = new ClusterAuth(loadKubeConfig({ kubeconfigPath: "server.kubeconfig" }))
 * const who = await auth.authenticate("Bearer abc.def")
 * await auth.require(who, { verb: "get", group: "calicokit.io", resource: "migrations" })
 * ```
 */
export class ClusterAuth {
  private readonly authn: AuthenticationV1Api;
  private readonly authz: AuthorizationV1Api;
  // one review per token (by hash) or question at a time and per period, however many ask
  private readonly identities: ShortCache<Identity>;
  private readonly decisions: ShortCache<string | null>;

  constructor(kubeConfig: KubeConfig, options: ClusterAuthOptions = {}) {
    this.authn = kubeConfig.makeApiClient(AuthenticationV1Api);
    this.authz = kubeConfig.makeApiClient(AuthorizationV1Api);
    const cacheMs = options.cacheMs ?? 10_000;
    this.identities = new ShortCache(cacheMs);
    this.decisions = new ShortCache(cacheMs);
  }

  /**
   * The caller behind an `Authorization` header value; `unauthenticated` (401) when it is
   * missing, not a bearer token, or the cluster does not accept the token.
   */
  async authenticate(authorization: string | undefined): Promise<Identity> {
    const token = /^Bearer +(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    if (token === undefined) {
      throw unauthenticated(
        authorization === undefined
          ? "no Authorization header: send `Authorization: Bearer <token>` with a Kubernetes token"
          : "the Authorization header is not `Bearer <token>`",
      );
    }
    const key = createHash("sha256").update(token).digest("hex");
    return this.identities.get(key, async () => {
      let review: Awaited<ReturnType<AuthenticationV1Api["createTokenReview"]>>;
      try {
        review = await this.authn.createTokenReview({ body: { spec: { token } } });
      } catch (error) {
        throw clusterProblem(
          fromUnknown(error, { verb: "create", resource: "tokenreviews.authentication.k8s.io" }),
        );
      }
      const user = review.status?.user;
      if (review.status?.authenticated !== true || user?.username === undefined) {
        throw unauthenticated(
          `the cluster did not accept the token${review.status?.error ? ` (${review.status.error})` : ""}`,
        );
      }
      return {
        username: user.username,
        uid: user.uid,
        groups: user.groups ?? [],
        extra: user.extra ?? {},
      };
    });
  }

  /** Whether the cluster's RBAC lets `who` do `permission`: `null` if so, else the reason. */
  denial(who: Identity, permission: Permission): Promise<string | null> {
    const key = JSON.stringify([who.username, who.uid, who.groups, permission]);
    return this.decisions.get(key, async () => {
      let review: Awaited<ReturnType<AuthorizationV1Api["createSubjectAccessReview"]>>;
      try {
        review = await this.authz.createSubjectAccessReview({
          body: {
            spec: {
              user: who.username,
              groups: [...who.groups],
              ...(who.uid === undefined ? {} : { uid: who.uid }),
              extra: Object.fromEntries(Object.entries(who.extra).map(([k, v]) => [k, [...v]])),
              resourceAttributes: {
                verb: permission.verb,
                group: permission.group,
                resource: permission.resource,
                ...(permission.subresource === undefined
                  ? {}
                  : { subresource: permission.subresource }),
                ...(permission.name === undefined ? {} : { name: permission.name }),
                ...(permission.namespace === undefined ? {} : { namespace: permission.namespace }),
              },
            },
          },
        });
      } catch (error) {
        throw clusterProblem(
          fromUnknown(error, {
            verb: "create",
            resource: "subjectaccessreviews.authorization.k8s.io",
          }),
        );
      }
      return review.status?.allowed === true && review.status.denied !== true
        ? null
        : review.status?.reason || "no RBAC rule allows it";
    });
  }

  /** Throws `forbidden` (403) naming the missing permission unless the cluster allows it. */
  async require(who: Identity, permission: Permission): Promise<void> {
    const denial = await this.denial(who, permission);
    if (denial !== null) throw forbidden(who, permission, denial);
  }
}

/**
 * The 403 problem for a permission the caller lacks, in RBAC's words.
 *
 * @example
 * ```ts
 * import { forbidden } from "@calicokit/server"
 * const who = { username: "alice", uid: undefined, groups: [], extra: {} }
 * const problem = forbidden(who, { verb: "create", group: "projectcalico.org", resource: "bgppeers" }, "no rule")
 * console.log(problem.status) // 403
 * ```
 */
export function forbidden(
  who: Identity,
  permission: Permission,
  reason: string,
): HttpProblem<"forbidden"> {
  const on = `${permission.resource}${permission.subresource ? `/${permission.subresource}` : ""}${permission.group ? `.${permission.group}` : ""}${
    permission.name ? ` "${permission.name}"` : ""
  }${permission.namespace ? ` in namespace ${permission.namespace}` : ""}`;
  return new HttpProblem(
    "forbidden",
    `user "${who.username}" may not ${permission.verb} ${on} (${reason})`,
    {
      missing: permission,
      hint: `ask a cluster admin for a Role that allows verb "${permission.verb}" on "${permission.resource}" in API group "${permission.group}"`,
    },
  );
}

function unauthenticated(detail: string): HttpProblem<"unauthenticated"> {
  return new HttpProblem(
    "unauthenticated",
    detail,
    { hint: "use a Kubernetes token (e.g. `kubectl create token <serviceaccount>`)" },
    { headers: { "www-authenticate": 'Bearer realm="calicokit"' } },
  );
}
