/**
 * Why a lab operation failed. A closed union so callers (tests, the CLI) can switch on `_tag`.
 * - `NotPrivileged`: not root / no CAP_NET_ADMIN+CAP_SYS_ADMIN, needed for network namespaces.
 * - `ToolMissing`: `ip`, `bird` or `bird6` is not installed.
 * - `InvalidOptions`: a `Lab.up` option or fault argument is out of range.
 * - `NameInUse`: another running process owns a lab of that name.
 * - `UnknownNode`: a fault names a node the lab does not have.
 * - `CommandFailed`: an `ip`/`ss` command exited non-zero.
 * - `BirdConfigRejected`: `bird -p` refused a rendered config (the old config stays active).
 * - `BirdUnreachable`: a BIRD control socket did not answer.
 * - `ApiRequestFailed`: the API server refused a lab write.
 * - `Timeout`: the lab did not reach a state in time.
 */
export type LabErrorTag =
  | "NotPrivileged"
  | "ToolMissing"
  | "InvalidOptions"
  | "NameInUse"
  | "UnknownNode"
  | "CommandFailed"
  | "BirdConfigRejected"
  | "BirdUnreachable"
  | "ApiRequestFailed"
  | "Timeout";

/**
 * The one error type the lab throws. `hint` says what the person running the lab can do.
 * Generic over its tag, so `LabError<"Timeout">` is a type of its own.
 *
 * @example
 * ```ts
 * try { await Lab.up({ name: "demo", nodes: 4, calicoApi: "v3" }) }
 * catch (e) { if (e instanceof LabError && e._tag === "NotPrivileged") console.error(e.hint) }
 * ```
 */
export class LabError<Tag extends LabErrorTag = LabErrorTag> extends Error {
  override readonly name = "LabError";
  readonly _tag: Tag;

  constructor(
    tag: Tag,
    message: string,
    readonly hint?: string,
  ) {
    super(hint === undefined ? message : `${message}\n  hint: ${hint}`);
    this._tag = tag;
  }
}

/**
 * Any `LabError`, as the union of one member per tag: the error type to give effect, whose
 * `Effect.catchTag("Timeout", ...)` then narrows to `LabError<"Timeout">` and removes that case.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 *
 * const up = Effect.tryPromise({
 *   try: () => Lab.up({ name: "demo", nodes: 4, calicoApi: "v3" }),
 *   catch: (e) => e as AnyLabError,
 * })
 * // Effect<Lab | undefined, AnyLabError without Timeout>
 * const orNothing = up.pipe(Effect.catchTag("Timeout", () => Effect.succeed(undefined)))
 * ```
 */
export type AnyLabError = { readonly [T in LabErrorTag]: LabError<T> }[LabErrorTag];
