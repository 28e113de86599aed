/**
 * Why a calicokit command failed, and so which exit code it ends with:
 *
 * - `Usage` (2): an unknown command or option, a missing or malformed argument.
 * - `InvalidInput` (2): a file, selector or value that fails validation; nothing was written.
 * - `Refused` (2): a plan the workflow refuses, or a confirmation that was declined.
 * - `RolledBack` (3): a migration failed (or was cancelled) and was rolled back.
 * - `RollbackFailed` (4): a migration's rollback did not complete; `migrate rollback` finishes it.
 * - `LockHeld` (5): another run holds the cluster's migration lock.
 * - `Interrupted` (130, as a shell reports SIGINT): Ctrl-C or SIGTERM stopped the command first.
 * - `Failed` (1): anything else (the cluster refused a write, a node did not answer, ...).
 */
export type CliErrorTag =
  | "Usage"
  | "InvalidInput"
  | "Refused"
  | "RolledBack"
  | "RollbackFailed"
  | "LockHeld"
  | "Interrupted"
  | "Failed";

/** The exit code of each outcome; 0 is success or nothing to do. */
export const exitCodes: Readonly<Record<CliErrorTag, number>> = {
  Failed: 1,
  Usage: 2,
  InvalidInput: 2,
  Refused: 2,
  RolledBack: 3,
  RollbackFailed: 4,
  LockHeld: 5,
  Interrupted: 130,
};

/**
 * The one error a command throws: the message says what is wrong, `hint` what to do.
 *
 * @example
 * ```ts
 * throw new CliError("Usage", "unknown flag --colour", "did you mean --no-color?")
 * ```
 */
export class CliError<Tag extends CliErrorTag = CliErrorTag> extends Error {
  override readonly name = "CliError";

  constructor(
    readonly _tag: Tag,
    message: string,
    readonly hint?: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }

  /** The process exit code for this failure. */
  get exitCode(): number {
    return exitCodes[this._tag];
  }
}
