import * as z from "zod";
import { CalicoClientError, fromUnknown } from "./CalicoClientError.js";
import { checkName, checkObject, checkOptions, checkValue } from "./internal/InputCheck.js";
import { Transport } from "./internal/Transport.js";
import { type CallOptions, callOptionsSchema } from "./ResourceClient.js";
import { type RetryOptions, withRetries } from "./RetryPolicy.js";

/** A ServiceAccount, as RBAC names it. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** One verb's SubjectAccessReview answer. */
export interface AccessAnswer {
  readonly verb: string;
  readonly allowed: boolean;
  /** The authorizer's reason, when it gave one. */
  readonly reason: string;
}

const verbsSchema = z
  .array(z.enum(["get", "list", "watch", "create", "update", "patch", "delete"]))
  .min(1);

// Metadata only: the apiserver never sends the Secret's data.
const metadataOnly = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

/**
 * What a BGP password preflight needs to know of a Secret without reading its contents: whether
 * it exists (read as metadata only, so its data never leaves the apiserver) and whether another
 * identity (calico-node's ServiceAccount) may read it (SubjectAccessReview).
 *
 * @example
 * ```ts
 * const exists = await client.secretAccess.exists("kube-system", "bgp-passwords")
 * const answers = await client.secretAccess.review(
 *   { namespace: "kube-system", name: "calico-node" },
 *   "kube-system",
 *   "bgp-passwords",
 *   ["get", "list", "watch"],
 * )
 * ```
 */
export class SecretAccess {
  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions = {},
  ) {}

  /** Whether the Secret exists; reads its metadata only (RBAC: `get` on secrets). */
  async exists(namespace: string, name: string, options: CallOptions = {}): Promise<boolean> {
    const target = { verb: "get", resource: "secrets", namespace, name };
    checkName(namespace, target, "namespace");
    checkName(name, target);
    checkOptions(callOptionsSchema, options, target);
    try {
      await withRetries(
        () =>
          this.transport.getJson(
            `/api/v1/namespaces/${namespace}/secrets/${name}`,
            {},
            options.signal,
            metadataOnly,
          ),
        target,
        this.retry,
        options.signal,
      );
      return true;
    } catch (error) {
      const failure = error instanceof CalicoClientError ? error : fromUnknown(error, target);
      if (failure._tag === "NotFound") return false;
      throw failure;
    }
  }

  /**
   * Asks the apiserver whether `subject` may use each verb on the Secret, as the subject's own
   * requests would be authorized (its ServiceAccount groups included). RBAC: `create` on
   * subjectaccessreviews.authorization.k8s.io.
   */
  async review(
    subject: ServiceAccountRef,
    namespace: string,
    name: string,
    verbs: readonly string[],
    options: CallOptions = {},
  ): Promise<AccessAnswer[]> {
    const target = { verb: "create", resource: "subjectaccessreviews" };
    checkObject(subject, "subject", target);
    checkName(subject.namespace, target, "subject.namespace");
    checkName(subject.name, target, "subject.name");
    checkName(namespace, target, "namespace");
    checkName(name, target);
    checkValue(verbsSchema, verbs, "verbs", "a non-empty list of verbs such as get, list", target);
    checkOptions(callOptionsSchema, options, target);
    return Promise.all(
      verbs.map(async (verb) => {
        const review = await withRetries(
          () =>
            this.transport.authorization.createSubjectAccessReview(
              {
                body: {
                  apiVersion: "authorization.k8s.io/v1",
                  kind: "SubjectAccessReview",
                  spec: {
                    user: `system:serviceaccount:${subject.namespace}:${subject.name}`,
                    groups: [
                      "system:serviceaccounts",
                      `system:serviceaccounts:${subject.namespace}`,
                      "system:authenticated",
                    ],
                    resourceAttributes: { namespace, verb, resource: "secrets", name },
                  },
                },
              },
              Transport.callOptions(options),
            ),
          target,
          this.retry,
          options.signal,
        );
        return {
          verb,
          allowed: review.status?.allowed === true,
          reason: review.status?.reason ?? "",
        };
      }),
    );
  }
}
