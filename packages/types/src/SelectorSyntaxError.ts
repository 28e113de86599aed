/**
 * A selector that does not follow Calico's selector grammar. Thrown by `parseSelector`, and the
 * only thing it ever throws.
 *
 * - `position`: 0-based offset into `input` (a JavaScript string index) where parsing failed.
 * - `expected`: what the parser wanted at that point, e.g. `a quoted string`.
 * - `found`: what was there instead, e.g. `label "b"` or `end of selector`.
 * - `hint`: how to fix it, when there is a likely fix.
 *
 * @example
 * ```ts
 * try {
 *   parseSelector("zone == west");
 * } catch (e) {
 *   if (e instanceof SelectorSyntaxError) {
 *     e.position; // 8
 *     e.expected; // "a quoted string (\"...\" or '...')"
 *     e.message;  // says where, what was expected, and to quote the value
 *   }
 * }
 * ```
 */
export class SelectorSyntaxError extends Error {
  readonly _tag = "SelectorSyntaxError";
  override readonly name = "SelectorSyntaxError";

  constructor(
    readonly input: string,
    readonly position: number,
    readonly expected: string,
    readonly found: string,
    readonly hint?: string,
  ) {
    super(describe(input, position, expected, found, hint));
  }
}

/** Long selectors are shown as an excerpt around the failure so messages stay readable. */
const maxQuotedInput = 120;

function describe(
  input: string,
  position: number,
  expected: string,
  found: string,
  hint: string | undefined,
): string {
  const where =
    input.length <= maxQuotedInput
      ? `in selector ${JSON.stringify(input)}`
      : `near ${JSON.stringify(input.slice(Math.max(0, position - 20), position + 20))}`;
  const fix = hint === undefined ? "" : ` ${hint}`;
  return `Invalid selector: expected ${expected} at position ${position} ${where}, found ${found}.${fix}`;
}
