import { SelectorSyntaxError } from "../../SelectorSyntaxError.js";
import {
  type CompareOperator,
  canonicalSetValues,
  type SelectorNode,
  type SetOperator,
} from "./SelectorNode.js";

/** Calico's limit on label names (libcalico-go tokenizer `MaxLabelLength`). */
export const maxLabelLength = 512;

/**
 * calicokit's own limit, not Calico's: parsing, evaluation and printing recurse once per
 * parenthesised group, and a JavaScript stack overflow must never escape the parser.
 */
export const maxNesting = 1000;

/**
 * Parses selector text into a syntax tree, accepting exactly the language of libcalico-go's
 * tokenizer + parser. Lexing happens on demand instead of in a separate pass; this accepts the
 * same strings because Calico only lexes operator words right after a label, which is exactly
 * where this parser asks for an operator.
 *
 * @example
 * ```ts
 * parseSelectorText("has( a )"); // { kind: "has", label: "a" }
 * parseSelectorText("a = 'b'");  // throws SelectorSyntaxError at position 2
 * ```
 */
export function parseSelectorText(input: string): SelectorNode {
  return new SelectorParser(input).parseRoot();
}

const expectedTerm =
  'a selector term: has(label), all(), global(), a comparison such as zone == "a", "!" or "("';
const expectedOperator =
  "an operator after the label: ==, !=, contains, starts with, ends with, in or not in";
const expectedString = "a quoted string (\"...\" or '...')";
const quoteHint =
  "A string runs to the next identical quote and has no escapes; to put a quote character in a value, quote the value with the other kind of quote.";
const whitespaceHint = "Only spaces and tabs may separate tokens.";

/** Operator words, tried in Calico's order; multi-word operators allow any spaces between words. */
const operatorWords: ReadonlyArray<readonly [readonly string[], CompareOperator | SetOperator]> = [
  [["contains"], "contains"],
  [["starts", "with"], "starts with"],
  [["ends", "with"], "ends with"],
  [["not", "in"], "not in"],
  [["in"], "in"],
];

function isLabelChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    c === "_" ||
    c === "." ||
    c === "/" ||
    c === "-"
  );
}

function isQuote(c: string | undefined): c is '"' | "'" {
  return c === '"' || c === "'";
}

function skipWhitespaceFrom(input: string, position: number): number {
  let p = position;
  while (input[p] === " " || input[p] === "\t") p++;
  return p;
}

class SelectorParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly input: string) {}

  parseRoot(): SelectorNode {
    this.skipWhitespace();
    if (this.pos === this.input.length) return { kind: "all" };
    const node = this.parseOr();
    this.skipWhitespace();
    if (this.pos !== this.input.length) {
      const c = this.input[this.pos];
      throw this.fail(
        '"&&", "||" or the end of the selector',
        c === ")"
          ? 'Remove the ")" or add the "(" it should close.'
          : 'Join selector terms with "&&" or "||".',
      );
    }
    return node;
  }

  private parseOr(): SelectorNode {
    const first = this.parseAnd();
    const operands = [first];
    while (this.takeDoubled("|")) operands.push(this.parseAnd());
    return operands.length === 1 ? first : { kind: "or", operands };
  }

  private parseAnd(): SelectorNode {
    const first = this.parseOperation();
    const operands = [first];
    while (this.takeDoubled("&")) operands.push(this.parseOperation());
    return operands.length === 1 ? first : { kind: "and", operands };
  }

  /** `&&` or `||`: a single `&` or `|` is an error anywhere in Calico's tokenizer. */
  private takeDoubled(c: "&" | "|"): boolean {
    this.skipWhitespace();
    if (this.input[this.pos] !== c) return false;
    if (this.input[this.pos + 1] !== c) {
      throw this.fail(`"${c}${c}"`, 'Write "&&" for AND and "||" for OR.');
    }
    this.pos += 2;
    return true;
  }

  /** Leading `!`s collapse by parity and bind to the single term that follows. */
  private parseOperation(): SelectorNode {
    let negated = false;
    this.skipWhitespace();
    while (this.input[this.pos] === "!" && this.input[this.pos + 1] !== "=") {
      negated = !negated;
      this.pos++;
      this.skipWhitespace();
    }
    const term = this.parseTerm();
    return negated ? { kind: "not", operand: term } : term;
  }

  private parseTerm(): SelectorNode {
    const c = this.input[this.pos];
    if (c === "(") return this.parseGroup();
    // Calico requires "(" right after has/all/global; "has (x)" reads "has" as a label.
    if (this.input.startsWith("has(", this.pos)) return this.parseHas();
    if (this.input.startsWith("all(", this.pos)) return this.parseEmptyCall("all");
    if (this.input.startsWith("global(", this.pos)) return this.parseEmptyCall("global");
    if (isLabelChar(c)) {
      const label = this.takeLabel();
      return this.parseComparison(label);
    }
    throw this.fail(
      expectedTerm,
      isQuote(c) ? 'A value goes on the right of an operator, e.g. zone == "a".' : undefined,
    );
  }

  private parseGroup(): SelectorNode {
    const open = this.pos;
    if (this.depth >= maxNesting) {
      throw this.fail(
        `at most ${maxNesting} nested parentheses`,
        "Simplify the selector; calicokit bounds nesting so evaluation cannot overflow the stack.",
      );
    }
    this.depth++;
    this.pos++;
    const inner = this.parseOr();
    this.skipWhitespace();
    if (this.input[this.pos] !== ")") {
      throw this.fail(
        `")" to close the "(" at position ${open}`,
        this.pos === this.input.length ? 'Add the missing ")".' : undefined,
      );
    }
    this.pos++;
    this.depth--;
    return inner;
  }

  private parseHas(): SelectorNode {
    this.pos += "has(".length;
    this.skipWhitespace();
    if (!isLabelChar(this.input[this.pos])) {
      throw this.fail("a label name inside has( )", "Write has(label), e.g. has(route-reflector).");
    }
    const label = this.takeLabel();
    this.skipWhitespace();
    this.expectCloseParen("has(");
    return { kind: "has", label };
  }

  private parseEmptyCall(kind: "all" | "global"): SelectorNode {
    this.pos += kind.length + 1;
    this.skipWhitespace();
    this.expectCloseParen(`${kind}(`);
    return { kind };
  }

  private expectCloseParen(after: string): void {
    if (this.input[this.pos] !== ")") {
      throw this.fail(`")" to close "${after}"`, undefined);
    }
    this.pos++;
  }

  private takeLabel(): string {
    const start = this.pos;
    let end = start;
    while (isLabelChar(this.input[end])) end++;
    if (end - start > maxLabelLength) {
      throw this.fail(
        `a label name of at most ${maxLabelLength} characters`,
        "Shorten the label name; Calico rejects longer ones.",
      );
    }
    this.pos = end;
    return this.input.slice(start, end);
  }

  private parseComparison(label: string): SelectorNode {
    this.skipWhitespace();
    let operator: CompareOperator | SetOperator | undefined;
    if (this.input.startsWith("==", this.pos)) {
      this.pos += 2;
      operator = "==";
    } else if (this.input.startsWith("!=", this.pos)) {
      this.pos += 2;
      operator = "!=";
    } else {
      operator = this.takeOperatorWord();
    }
    if (operator === undefined) throw this.fail(expectedOperator, this.operatorHint(label));
    if (operator === "in" || operator === "not in") {
      return { kind: "set", operator, label, values: this.parseSetLiteral(label, operator) };
    }
    return { kind: "compare", operator, label, value: this.parseValue(label, operator) };
  }

  /**
   * Calico checks a word boundary after the last word (after skipping spaces for the two-word
   * forms), so `label inf "x"` and `label ends withs "x"` are errors.
   */
  private takeOperatorWord(): CompareOperator | SetOperator | undefined {
    for (const [words, operator] of operatorWords) {
      let p = this.pos;
      let end = p;
      let matched = true;
      for (const word of words) {
        if (!this.input.startsWith(word, p)) {
          matched = false;
          break;
        }
        p += word.length;
        end = p;
        if (words.length > 1) p = skipWhitespaceFrom(this.input, p);
      }
      if (matched && !isLabelChar(this.input[p])) {
        this.pos = end;
        return operator;
      }
    }
    return undefined;
  }

  private operatorHint(label: string): string | undefined {
    const c = this.input[this.pos];
    if (c === "=") return 'Use "==" to test equality.';
    if ((label === "has" || label === "all" || label === "global") && c === "(") {
      return `Write "${label}(" with no space before "(".`;
    }
    if (c === undefined || c === "&" || c === "|" || c === ")") {
      return `A label must be followed by an operator and a value, e.g. ${label} == "value"; to test only that the label exists, write has(${label}).`;
    }
    return undefined;
  }

  private parseValue(label: string, operator: CompareOperator): string {
    this.skipWhitespace();
    if (isQuote(this.input[this.pos])) return this.takeString();
    const hint = isLabelChar(this.input[this.pos])
      ? `Quote the value, e.g. ${label} ${operator} "${this.wordAt(this.pos)}".`
      : `Give a quoted value, e.g. ${label} ${operator} "value".`;
    throw this.fail(expectedString, hint);
  }

  private parseSetLiteral(label: string, operator: SetOperator): string[] {
    this.skipWhitespace();
    if (this.input[this.pos] !== "{") {
      throw this.fail(
        'a set literal such as {"a", "b"}',
        `Put the values in braces, e.g. ${label} ${operator} {"a", "b"}.`,
      );
    }
    this.pos++;
    const values: string[] = [];
    let afterValue = false;
    for (;;) {
      this.skipWhitespace();
      if (!isQuote(this.input[this.pos])) break;
      values.push(this.takeString());
      afterValue = true;
      this.skipWhitespace();
      if (this.input[this.pos] !== ",") break;
      this.pos++;
      afterValue = false;
    }
    this.skipWhitespace();
    if (this.input[this.pos] !== "}") {
      throw this.fail(
        afterValue ? '"," or "}"' : 'a quoted string or "}"',
        'Set members are quoted strings separated by commas, e.g. {"a", "b"}.',
      );
    }
    this.pos++;
    return canonicalSetValues(values);
  }

  private takeString(): string {
    const open = this.pos;
    const quote = this.input[open] as string;
    const close = this.input.indexOf(quote, open + 1);
    if (close === -1) {
      this.pos = this.input.length;
      throw this.fail(
        `a closing ${quote} for the string that starts at position ${open}`,
        quoteHint,
      );
    }
    this.pos = close + 1;
    return this.input.slice(open + 1, close);
  }

  private skipWhitespace(): void {
    this.pos = skipWhitespaceFrom(this.input, this.pos);
  }

  private wordAt(position: number): string {
    let end = position;
    while (isLabelChar(this.input[end])) end++;
    return this.input.slice(position, end);
  }

  private fail(expected: string, hint: string | undefined): SelectorSyntaxError {
    const c = this.input[this.pos];
    const isOtherWhitespace = c !== undefined && /^\s$/u.test(c);
    const fullHint = hint ?? (isOtherWhitespace ? whitespaceHint : undefined);
    return new SelectorSyntaxError(this.input, this.pos, expected, this.describeFound(), fullHint);
  }

  /** Names what sits at the current position, for error messages. */
  private describeFound(): string {
    const at = this.pos;
    const c = this.input[at];
    if (c === undefined) return "the end of the selector";
    if (isLabelChar(c)) return `"${truncate(this.wordAt(at))}"`;
    if (isQuote(c)) {
      const close = this.input.indexOf(c, at + 1);
      return close === -1
        ? `an unterminated string starting with ${c}`
        : `the string ${truncate(this.input.slice(at, close + 1))}`;
    }
    const pair = this.input.slice(at, at + 2);
    if (pair === "==" || pair === "!=" || pair === "&&" || pair === "||") return `"${pair}"`;
    const codePoint = this.input.codePointAt(at) ?? 0;
    const char = String.fromCodePoint(codePoint);
    if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)) return `"${char}"`;
    return `the character U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
