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
 *
 * @example
 * ```ts
 * try { await Lab.up({ name: "demo", nodes: 4, calicoApi: "v3" }) }
 * catch (e) { if (e instanceof LabError && e._tag === "NotPrivileged") console.error(e.hint) }
 * ```
 */
export class LabError extends Error {
  override readonly name = "LabError";

  constructor(
    readonly _tag: LabErrorTag,
    message: string,
    readonly hint?: string,
  ) {
    super(hint === undefined ? message : `${message}\n  hint: ${hint}`);
  }
}
