/**
 * Every kind of error the service answers with. Each has a stable problem `type` URI
 * (`urn:calicokit:problem:<tag>`), an HTTP status and a title; clients switch on `type`.
 */
export const httpProblemKinds = {
  "invalid-request": { status: 400, title: "The request is not valid" },
  unauthenticated: { status: 401, title: "A valid bearer token is required" },
  forbidden: { status: 403, title: "The cluster does not allow this" },
  "not-found": { status: 404, title: "No such resource" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "The resource changed or already exists" },
  "lock-held": { status: 409, title: "Another migration holds the cluster" },
  "stale-plan": { status: 409, title: "The cluster changed since the plan was made" },
  "idempotency-key-in-flight": {
    status: 409,
    title: "A request with this Idempotency-Key is still being processed",
  },
  "payload-too-large": { status: 413, title: "The request body is too large" },
  "unsupported-media-type": { status: 415, title: "The body must be application/json" },
  "idempotency-key-reused": {
    status: 422,
    title: "This Idempotency-Key was used with another request body",
  },
  "plan-refused": { status: 422, title: "The cluster is not fit for this migration" },
  "idempotency-key-missing": { status: 428, title: "An Idempotency-Key header is required" },
  "cluster-error": { status: 502, title: "The cluster refused or failed a call" },
  "cluster-unavailable": { status: 503, title: "The cluster cannot be reached" },
  "shutting-down": { status: 503, title: "The server is shutting down" },
  timeout: { status: 504, title: "The request took too long" },
  internal: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: number; title: string }>;

export type HttpProblemTag = keyof typeof httpProblemKinds;

/** The RFC 9457 problem document the service sends for every error. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** What to do about it. */
  readonly hint?: string;
  /** Field-level reasons (`field: what is wrong`). */
  readonly reasons?: readonly string[];
  /** The permission that was missing, for `forbidden`. */
  readonly missing?: {
    readonly verb: string;
    readonly group: string;
    readonly resource: string;
    readonly subresource?: string;
    readonly name?: string;
    readonly namespace?: string;
  };
  /** The run concerned (e.g. the one holding the Lease). */
  readonly runId?: string;
  readonly holder?: string;
}

type ProblemExtras = Omit<ProblemDocument, "type" | "title" | "status" | "detail">;

/**
 * An error that is an HTTP answer: thrown anywhere in a handler, the app turns it into a
 * `application/problem+json` response with its status.
 *
 * @example
 * ```ts
 * import { HttpProblem } from "@calicokit/server"
 * const problem = new HttpProblem("not-found", "migration mig-1 does not exist")
 * const response = problem.toResponse()
 * console.log(response.status) // 404
 * ```
 */
export class HttpProblem<Tag extends HttpProblemTag = HttpProblemTag> extends Error {
  override readonly name = "HttpProblem";
  readonly _tag: Tag;
  readonly status: (typeof httpProblemKinds)[Tag]["status"];
  readonly extras: ProblemExtras;
  /** Extra response headers (e.g. WWW-Authenticate, Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    tag: Tag,
    readonly detail: string,
    extras: ProblemExtras = {},
    options: { readonly headers?: Record<string, string>; readonly cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this._tag = tag;
    this.status = httpProblemKinds[tag].status;
    this.extras = extras;
    this.headers = options.headers ?? {};
  }

  /** The problem document (RFC 9457). */
  toJSON(): ProblemDocument {
    return {
      type: problemType(this._tag),
      title: httpProblemKinds[this._tag].title,
      status: this.status,
      detail: this.detail,
      ...this.extras,
    };
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers: { "content-type": "application/problem+json", ...this.headers },
    });
  }
}

/**
 * The stable `type` URI of a problem tag.
 *
 * @example
 * ```ts
 * import { problemType } from "@calicokit/server"
 * console.log(problemType("forbidden")) // urn:calicokit:problem:forbidden
 * ```
 */
export function problemType(tag: HttpProblemTag): string {
  return `urn:calicokit:problem:${tag}`;
}
