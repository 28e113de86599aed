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
  | "RequestFailed"
  | "InvalidOption";

/** The testkit's one error type, generic over its tag (`TestkitError<"StartTimeout">`). */
export class TestkitError<Tag extends TestkitErrorTag = TestkitErrorTag> extends Error {
  override readonly name = "TestkitError";
  readonly _tag: Tag;

  constructor(
    tag: Tag,
    message: string,
    /** What the person running the tests can do about it. */
    readonly hint?: string,
  ) {
    super(hint === undefined ? message : `${message}\n  hint: ${hint}`);
    this._tag = tag;
  }
}

/**
 * Any `TestkitError`, as the union of one member per tag: the error type to give effect, whose
 * `Effect.catchTag` then narrows to one tag and removes that case from what is left.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 *
 * const started = Effect.tryPromise({
 *   try: () => startControlPlane({ calicoApi: "v3" }),
 *   catch: (e) => e as AnyTestkitError,
 * })
 * // Effect<ControlPlane | undefined, AnyTestkitError without StartTimeout>
 * const orNothing = started.pipe(Effect.catchTag("StartTimeout", () => Effect.succeed(undefined)))
 * ```
 */
export type AnyTestkitError = { readonly [T in TestkitErrorTag]: TestkitError<T> }[TestkitErrorTag];
