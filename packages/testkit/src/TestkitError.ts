/**
 * Errors raised while starting or using a test control plane. A closed, tagged union so
 * callers (tests, the lab, `make demo`) can switch on `_tag` and print the `hint`.
 *
 * @example
 * ```ts
 * try { await startControlPlane({ calicoApi: "v3" }) }
 * catch (e) { if (e instanceof TestkitError && e._tag === "BinaryNotFound") console.error(e.hint) }
 * ```
 */
export type TestkitErrorTag =
  | "BinaryNotFound"
  | "CrdsNotFound"
  | "PortInUse"
  | "ProcessExited"
  | "StartTimeout"
  | "CrdInstallFailed"
  | "RequestFailed";

export class TestkitError extends Error {
  override readonly name = "TestkitError";

  constructor(
    readonly _tag: TestkitErrorTag,
    message: string,
    /** What the person running the tests can do about it. */
    readonly hint?: string,
  ) {
    super(hint === undefined ? message : `${message}\n  hint: ${hint}`);
  }
}
