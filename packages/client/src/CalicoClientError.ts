import { ApiException } from "@kubernetes/client-node";

/**
 * Every way a client call can fail. A closed union: switch on `_tag`.
 *
 * - `NotFound` (404), `AlreadyExists` (409 reason AlreadyExists), `Conflict` (409 otherwise, and
 *   410 Gone: a stale resourceVersion or continue token), `Invalid` (422/400, with `causes`),
 *   `Forbidden` (403), `Unauthorized` (401), `Throttled` (429, with `retryAfterSeconds`),
 *   `Unavailable` (500/502/503), `Timeout` (504, the apiserver's own Timeout, or our deadline),
 *   `Network` (no HTTP answer: reset, refused, DNS), `Config` (no usable kubeconfig, or an option
 *   the client does not accept: nothing was sent), `Aborted` (the caller's AbortSignal fired),
 *   `Unknown` (anything else).
 */
export type CalicoClientErrorTag =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "Forbidden"
  | "Unauthorized"
  | "Throttled"
  | "Unavailable"
  | "Timeout"
  | "Network"
  | "Config"
  | "Aborted"
  | "Unknown";

/** One field-level reason from a Kubernetes Status (`details.causes[]`) or from our validation. */
export interface StatusCause {
  /** Field path, e.g. `spec.peerIP`; absent when the cause is not about one field. */
  readonly field?: string;
  /** Machine-readable reason, e.g. `FieldValueInvalid`. */
  readonly reason?: string;
  readonly message: string;
}

/** What was being attempted: the verb and the resource, for messages and RBAC hints. */
export interface RequestTarget {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete. */
  readonly verb: string;
  /** `plural.group`, e.g. `bgppeers.projectcalico.org`, or `nodes` for the core group. */
  readonly resource: string;
  readonly name?: string;
  readonly namespace?: string;
}

interface ErrorFields {
  readonly code?: number | undefined;
  readonly reason?: string | undefined;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number | undefined;
  readonly target?: RequestTarget | undefined;
  readonly cause?: unknown;
  /** What to do about it, when the tag's general hint would not say (e.g. which option to use). */
  readonly hint?: string | undefined;
}

/**
 * The one error type of `@calicokit/client`. `_tag` says what kind of failure it is, `code` is
 * the HTTP status when the apiserver answered. The message names the attempted verb and
 * resource, quotes the apiserver's Status message and causes, and says what to do (`hint`).
 * Generic over its tag, so `CalicoClientError<"NotFound">` is a type of its own; see
 * {@link AnyCalicoClientError} for the union effect's `catchTag` narrows.
 *
 * @example
 * ```ts
 * const peer = {
 *   apiVersion: "projectcalico.org/v3",
 *   kind: "BGPPeer",
 *   metadata: { name: "peer-a" },
 *   spec: { peerIP: "192.0.2.1", asNumber: 64512 },
 * } as const
 * try {
 *   await client.bgpPeers.create(peer)
 * } catch (e) {
 *   if (e instanceof CalicoClientError && e._tag === "AlreadyExists") console.log("already there")
 *   else throw e
 * }
 * ```
 */
export class CalicoClientError<
  Tag extends CalicoClientErrorTag = CalicoClientErrorTag,
> extends Error {
  override readonly name = "CalicoClientError";
  readonly _tag: Tag;
  /** HTTP status of the apiserver's answer; undefined when there was none. */
  readonly code: number | undefined;
  /** The Status `reason` (e.g. `AlreadyExists`, `Expired`), when the apiserver gave one. */
  readonly reason: string | undefined;
  readonly causes: readonly StatusCause[];
  /** Seconds the server asked us to wait (429 Retry-After / details.retryAfterSeconds). */
  readonly retryAfterSeconds: number | undefined;
  readonly target: RequestTarget | undefined;
  /** The apiserver's own message (Status.message) or the underlying error's message. */
  readonly detail: string;
  /** What to do about it. */
  readonly hint: string;

  constructor(tag: Tag, detail: string, fields: ErrorFields = {}) {
    const hint = fields.hint ?? hints[tag];
    super(
      renderMessage(tag, detail, hint, fields),
      fields.cause === undefined ? undefined : { cause: fields.cause },
    );
    this._tag = tag;
    this.hint = hint;
    this.detail = detail;
    this.code = fields.code;
    this.reason = fields.reason;
    this.causes = fields.causes ?? [];
    this.retryAfterSeconds = fields.retryAfterSeconds;
    this.target = fields.target;
  }

  /** The same error with the attempted verb and resource filled in (when it had none). */
  withTarget(target: RequestTarget): CalicoClientError<Tag> {
    if (this.target !== undefined) return this;
    return new CalicoClientError(this._tag, this.detail, {
      hint: this.hint,
      code: this.code,
      reason: this.reason,
      causes: this.causes,
      retryAfterSeconds: this.retryAfterSeconds,
      target,
      cause: this.cause,
    });
  }
}

/**
 * Any `CalicoClientError`, as the union of one member per tag: the error type to give effect,
 * whose `Effect.catchTag("NotFound", ...)` then narrows to `CalicoClientError<"NotFound">` and
 * removes that case from what is left. `fromUnknown` returns it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 *
 * const peer = Effect.tryPromise({ try: () => client.bgpPeers.get("p1"), catch: (e) => fromUnknown(e) })
 * const maybe = peer.pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)))
 * // Effect<BgpPeer | undefined, AnyCalicoClientError without NotFound>
 * ```
 */
export type AnyCalicoClientError = {
  readonly [T in CalicoClientErrorTag]: CalicoClientError<T>;
}[CalicoClientErrorTag];

const hints: Record<CalicoClientErrorTag, string> = {
  NotFound: "check the name, or create it first",
  AlreadyExists: "read the existing object and update it instead, or pick another name",
  Conflict: "someone else changed it: re-read, re-apply your change and write again",
  Invalid: "fix the fields listed and send it again",
  Forbidden:
    "grant the missing verb on that resource to this identity (see deploy/rbac/client-clusterrole.yaml)",
  Unauthorized: "the credentials were rejected: refresh the token or kubeconfig",
  Throttled: "the apiserver is overloaded: wait as asked, or lower the client's QPS",
  Unavailable: "the apiserver failed or is restarting: retry later",
  Timeout: "the call ran out of time: raise the deadline or check the apiserver's health",
  Network: "no answer from the apiserver: check the URL in the kubeconfig and connectivity",
  Config: "fix the configuration named above; nothing was sent to the apiserver",
  Aborted:
    "the caller's AbortSignal ended the call; a write in flight may or may not have landed: read before writing again",
  Unknown: "unexpected: the cause (error.cause) says what failed; please report it",
};

function renderMessage(
  tag: CalicoClientErrorTag,
  detail: string,
  hint: string,
  f: ErrorFields,
): string {
  const what = f.target === undefined ? "" : `${describeTarget(f.target)}: `;
  const status = f.code === undefined ? "" : ` (HTTP ${f.code})`;
  const causes =
    f.causes === undefined || f.causes.length === 0
      ? ""
      : `\n${f.causes.map((c) => `  - ${c.field === undefined ? "" : `${c.field}: `}${c.message}`).join("\n")}`;
  const wait = f.retryAfterSeconds === undefined ? "" : ` (retry after ${f.retryAfterSeconds}s)`;
  return `${what}${tag}${status}${wait}: ${detail}${causes}\n  hint: ${hint}`;
}

function describeTarget(t: RequestTarget): string {
  const ns = t.namespace === undefined ? "" : `${t.namespace}/`;
  const name = t.name === undefined ? "" : ` "${ns}${t.name}"`;
  return `${t.verb} ${t.resource}${name}`;
}

interface StatusBody {
  readonly message?: unknown;
  readonly reason?: unknown;
  readonly code?: unknown;
  readonly details?: { readonly causes?: unknown; readonly retryAfterSeconds?: unknown };
}

function parseStatus(body: unknown): StatusBody | undefined {
  let value: unknown = Buffer.isBuffer(body) ? body.toString("utf8") : body;
  if (typeof value === "string") {
    const text = value.trim();
    try {
      value = JSON.parse(text);
    } catch {
      return text === "" ? undefined : { message: text };
    }
  }
  return typeof value === "object" && value !== null ? (value as StatusBody) : undefined;
}

function statusCauses(status: StatusBody | undefined): StatusCause[] {
  const raw = status?.details?.causes;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((c: unknown) => {
    if (typeof c !== "object" || c === null) return [];
    const { field, reason, message } = c as Record<string, unknown>;
    return [
      {
        ...(typeof field === "string" && field !== "" ? { field } : {}),
        ...(typeof reason === "string" && reason !== "" ? { reason } : {}),
        message: typeof message === "string" ? message : String(reason ?? "invalid"),
      },
    ];
  });
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : String(value);
  }
  return undefined;
}

/** Retry-After as seconds: the header (seconds or HTTP date) first, then the Status details. */
function retryAfter(headers: unknown, status: StatusBody | undefined): number | undefined {
  const header = headerValue(headers, "retry-after");
  if (header !== undefined) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }
  const fromBody = status?.details?.retryAfterSeconds;
  return typeof fromBody === "number" && fromBody >= 0 ? fromBody : undefined;
}

function tagForStatus(code: number, reason: string | undefined): CalicoClientErrorTag {
  switch (code) {
    case 400:
    case 422:
      return "Invalid";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return reason === "AlreadyExists" ? "AlreadyExists" : "Conflict";
    case 410:
      return "Conflict";
    case 429:
      return "Throttled";
    case 500:
    case 502:
    case 503:
      return reason === "Timeout" ? "Timeout" : "Unavailable";
    case 504:
      return "Timeout";
    default:
      return "Unknown";
  }
}

const networkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ERR_STREAM_PREMATURE_CLOSE",
]);
const timeoutCodes = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/** A Node system error code, looking through `cause` chains (fetch wraps them). */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns anything thrown while talking to the apiserver into a `CalicoClientError`:
 * client-node's `ApiException` (code, raw body, headers), Node network errors (ECONNRESET...),
 * timeouts and aborts. An existing `CalicoClientError` gets `target` filled in if it had none.
 *
 * @example
 * ```ts
 * const name = "peer-a"
 * try { await fetch(`https://kubernetes.default.svc/apis/projectcalico.org/v3/bgppeers/${name}`) }
 * catch (e) { throw fromUnknown(e, { verb: "get", resource: "bgppeers.projectcalico.org", name }) }
 * ```
 */
export function fromUnknown(error: unknown, target?: RequestTarget): AnyCalicoClientError {
  return classify(error, target) as AnyCalicoClientError;
}

function classify(error: unknown, target: RequestTarget | undefined): CalicoClientError {
  const fields = { target, cause: error };
  if (error instanceof CalicoClientError) return target ? error.withTarget(target) : error;
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    const reason = typeof status?.reason === "string" ? status.reason : undefined;
    const message =
      typeof status?.message === "string" && status.message !== ""
        ? status.message
        : `HTTP ${error.code}${reason ? ` ${reason}` : ""}`;
    const tag = tagForStatus(error.code, reason);
    return new CalicoClientError(tag, message, {
      ...fields,
      code: error.code,
      reason,
      causes: statusCauses(status),
      retryAfterSeconds: tag === "Throttled" ? retryAfter(error.headers, status) : undefined,
    });
  }
  if (error instanceof Error || (typeof error === "object" && error !== null)) {
    const err = error as Error;
    const message = err.message ?? String(error);
    if (err.name === "TimeoutError") return new CalicoClientError("Timeout", message, fields);
    if (err.name === "AbortError") {
      const reason = (err as { cause?: unknown }).cause;
      if (reason instanceof Error && reason.name === "TimeoutError") {
        return new CalicoClientError("Timeout", reason.message, fields);
      }
      return new CalicoClientError("Aborted", `aborted by the caller: ${message}`, fields);
    }
    const code = systemCode(error);
    if (code !== undefined && timeoutCodes.has(code)) {
      return new CalicoClientError("Timeout", `${code}: ${message}`, fields);
    }
    if (code !== undefined && networkCodes.has(code)) {
      return new CalicoClientError("Network", `${code}: ${message}`, fields);
    }
    if (/socket hang up|fetch failed|other side closed/i.test(message)) {
      return new CalicoClientError("Network", message, fields);
    }
    return new CalicoClientError("Unknown", message, fields);
  }
  return new CalicoClientError("Unknown", String(error), fields);
}

/**
 * The error for a call the caller's AbortSignal ended: `Timeout` when the signal was a timeout
 * (`AbortSignal.timeout`), else `Aborted`, whatever reason the caller gave.
 *
 * @example
 * ```ts
 * const signal = AbortSignal.timeout(30_000)
 * if (signal.aborted) throw abortedBy(signal, { verb: "watch", resource: "bgppeers.projectcalico.org" })
 * ```
 */
export function abortedBy(signal: AbortSignal, target?: RequestTarget): AnyCalicoClientError {
  const reason: unknown = signal.reason;
  const fields = { target, cause: reason };
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new CalicoClientError("Timeout", reason.message, fields);
  }
  const why = reason instanceof Error ? reason.message : String(reason ?? "no reason given");
  return new CalicoClientError("Aborted", `aborted by the caller: ${why}`, fields);
}

/** The Node system error code behind a `Network`/`Timeout` error, e.g. `ECONNREFUSED`. */
export function networkErrorCode(error: CalicoClientError): string | undefined {
  return systemCode(error.cause);
}
