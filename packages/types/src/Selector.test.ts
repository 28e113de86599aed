import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxNesting } from "./internal/selector/SelectorParser.js";
import { parseSelector } from "./Selector.js";
import { SelectorSyntaxError } from "./SelectorSyntaxError.js";

type Labels = Record<string, string>;

function syntaxError(text: string): SelectorSyntaxError {
  try {
    parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

// §5.4 conformance vectors (libcalico-go parser_test.go): selector, must match, must not match.
const vectors: ReadonlyArray<readonly [string, Labels[], Labels[]]> = [
  ['a == "b"', [{ a: "b" }, { a: "b", c: "d" }], [{}, { a: "c" }, { c: "d" }]],
  [
    'a == "b" && c == "d"',
    [{ a: "b", c: "d" }],
    [{}, { a: "b", c: "e" }, { a: "c", c: "d" }, { c: "d" }, { a: "b" }],
  ],
  [
    'a == "b" || c == "d"',
    [{ a: "b", c: "d" }, { a: "b" }, { c: "d" }],
    [{}, { a: "e", c: "e" }, { c: "e" }, { a: "e" }],
  ],
  [`a in {"'", '"', "c"}`, [{ a: "c" }, { a: '"' }, { a: "'" }], [{}, { a: "e" }]],
  [`a not in {"'", '"', "c"}`, [{}, { a: "e" }], [{ a: "c" }, { a: '"' }, { a: "'" }]],
  ["a == 'a'", [{ a: "a" }], [{ a: "b" }, {}]],
  ['a == "a"', [{ a: "a" }], []],
  ['a != "b"', [{ a: "a" }], []],
  ['a != "a"', [{}], [{ a: "a" }]],
  ["a != 'a'", [], [{ a: "a" }]],
  [
    'a contains "a"',
    [{ a: "a" }, { a: "bab" }, { a: "aaa", b: "c" }],
    [{}, { a: "b" }, { b: "aaa" }],
  ],
  [
    'a starts with "a"',
    [{ a: "a" }, { a: "abb" }, { a: "aaa", b: "c" }],
    [{}, { a: "b" }, { a: "baa" }, { b: "aaa" }],
  ],
  [
    'a ends with "a"',
    [{ a: "a" }, { a: "bba" }, { a: "aaa", b: "c" }],
    [{}, { a: "b" }, { a: "aab" }, { b: "aaa" }],
  ],
  ['a in {"a"}', [{ a: "a" }], [{ a: "b" }]],
  ['!a in {"a"}', [{ a: "b" }], []],
  ['a in {"a", "b"}', [{ a: "a" }, { a: "b" }], [{ a: "c" }]],
  ['a not in {"d", "e"}', [{ a: "a" }], []],
  ['a not in {"a"}', [], [{ a: "a" }]],
  ["has(a)", [{ a: "b" }], []],
  ["!has(a)", [{ b: "b" }], [{ a: "b" }]],
  ["has(b)", [], [{ a: "b" }]],
  ["!!has(b)", [], [{ a: "b" }]],
  ["! has(a)", [], [{ a: "b" }]],
  ["!!! has(a)", [], [{ a: "b" }]],
  ["!!!has(a)", [], [{ a: "b" }]],
  ["!! ! has(a)", [], [{ a: "b" }]],
  ["! !!has(a)", [], [{ a: "b" }]],
  ["", [{}, { a: "b" }], []],
  [" ", [{}], []],
  ["all()", [{}], []],
  [" all()", [{}, { a: "b" }], []],
  ["global()", [{}], []],
  [" global()", [{}, { a: "b" }], []],
  ["a == 'a1' && b == 'b1'", [{ a: "a1", b: "b1" }], []],
  ["a == 'a1' && b != 'b1'", [], [{ a: "a1", b: "b1" }]],
  ["a != 'a1' && b == 'b1'", [], [{ a: "a1", b: "b1" }]],
  ["a != 'a1' && b != 'b1'", [], [{ a: "a1", b: "b1" }]],
  ["a != 'a1' && !b == 'b1'", [], [{ a: "a1", b: "b1" }]],
  ["!a == 'a1' && b == 'b1'", [], [{ a: "a1", b: "b1" }]],
  ["has(a) && !has(b)", [{ a: "a" }], []],
  ["!has(b) && has(a)", [{ a: "a" }], []],
  ["!(!has(a) || has(b))", [{ a: "a" }], []],
  ["!(has(b) || !has(a))", [{ a: "a" }], []],
  ["a == 'a1' || b == 'b1'", [{ a: "a1", b: "b1" }], []],
  ["a == 'a1' || b != 'b1'", [{ a: "a1", b: "b1" }], []],
  ["a != 'a1' || b == 'b1'", [{ a: "a1", b: "b1" }], []],
  ["a != 'a1' || b != 'b1'", [], [{ a: "a1", b: "b1" }]],
  ["! a == 'a1' || ! b == 'b1'", [], [{ a: "a1", b: "b1" }]],
  // Derived vectors: the selectors of Calico's route-reflector migration (§5.4).
  [
    "!has(projectcalico.org/RouteReflectorClusterID)",
    [{ "kubernetes.io/hostname": "n1" }],
    [{ "projectcalico.org/RouteReflectorClusterID": "244.0.0.1" }],
  ],
  [
    "has(projectcalico.org/RouteReflectorClusterID)",
    [{ "projectcalico.org/RouteReflectorClusterID": "" }],
    [{ "kubernetes.io/hostname": "n1" }],
  ],
];

const invalid: readonly string[] = [
  // parser_test.go
  "b == b",
  "b contains b",
  "b starts with b",
  "b ends with b",
  "'b1' == b",
  "b",
  "a b",
  "!",
  'foo == "bar" &',
  'foo == "bar" |',
  "foo != ||",
  'foo in {"", ||',
  'foo in ""',
  '"FOO',
  `"FOO'`,
  "'FOO",
  "(",
  '(a == "foo"',
  ")",
  "()",
  "%",
  'a == "b" && %',
  'a == "b" || %',
  "a ",
  "has(foo) &&",
  // tokenizer_test.go
  `${"a".repeat(513)} == "value"`,
  'label == "value',
  "label == 'value",
  'label = "value"',
  "all(",
  "global(",
  "has()",
  "has(foo",
  "has( foo ",
  'a == "b" & has(foo)',
  'a == "b" | has(foo)',
  'label starts foo "value"',
  'label inf "value"',
  'label ends foo "value"',
  'label ends withs "value"',
  'label squiggles "value"',
  // validator_test.go (BGPPeer)
  "kubernetes.io/hostname: == 'casey-crc-kadm-node-4'",
  // Whitespace is only space and tab; "(" must follow has/all/global directly.
  'a == "b"\n',
  'a ==\t"b" &&\r\nc == "d"',
  "has (a)",
  "all ()",
];

const canonical: ReadonlyArray<readonly [string, string]> = [
  ["", "all()"],
  [" all() ", "all()"],
  [" (all() )", "all()"],
  ["! (has( b)||! has(a ))", "!(has(b) || !has(a))"],
  ['! (a == "b"&&! c != "d")', '!(a == "b" && !c != "d")'],
  [`a == "'"`, `a == "'"`],
  [`a == '"'`, `a == '"'`],
  [`a contains '"'`, `a contains '"'`],
  [`a contains "'"`, `a contains "'"`],
  [`a startswith '"'`, `a starts with '"'`],
  [`a endswith "'"`, `a ends with "'"`],
  [`a!='"'`, `a != '"'`],
  ['a in {"d"}', 'a in {"d"}'],
  ['a in {"a", "b"}', 'a in {"a", "b"}'],
  ['a in {"d", "a", "b"}', 'a in {"a", "b", "d"}'],
  ['a in {"z", "x", "y", "a"}', 'a in {"a", "x", "y", "z"}'],
  ['a in {"z", "z", "x", "y", "x", "a"}', 'a in {"a", "x", "y", "z"}'],
  // Forms the tokenizer accepts (tokenizer_test.go), in canonical spelling.
  ["a=='b'&&c==\" d \"", '(a == "b" && c == " d ")'],
  ['contains contains "contains"', 'contains contains "contains"'],
  ['label contains"value"', 'label contains "value"'],
  ['startswith starts with "value"', 'startswith starts with "value"'],
  ['label starts  with "value"', 'label starts with "value"'],
  ['label ends \t with "value"', 'label ends with "value"'],
  ['a notin{"bar"}&&!has(foo)||b in{"c",}', '((a not in {"bar"} && !has(foo)) || b in {"c"})'],
  [
    "a  not  in  {}  ||  ! has( calico/k8s_NS-.1/role ) ",
    "(a not in {} || !has(calico/k8s_NS-.1/role))",
  ],
  ['a in {"é", "𝒳", "\uffff"}', 'a in {"é", "\uffff", "𝒳"}'],
  [`${"a".repeat(512)} == "v"`, `${"a".repeat(512)} == "v"`],
  ['a == "b" && (c == "d" && e == "f")', '(a == "b" && (c == "d" && e == "f"))'],
  // Calico prints a directly nested negation as "!!", which re-parses to the plain term.
  ["!(!has(a))", "!!has(a)"],
];

describe("parseSelector: §5.4 conformance vectors", () => {
  for (const [text, matching, nonMatching] of vectors) {
    describe(JSON.stringify(text), () => {
      const selector = parseSelector(text);
      const reparsed = parseSelector(selector.toString());
      for (const labels of matching) {
        it(`matches ${JSON.stringify(labels)}, also after canonicalising`, () => {
          expect(selector.matches(labels)).toBe(true);
          expect(reparsed.matches(labels)).toBe(true);
        });
      }
      for (const labels of nonMatching) {
        it(`does not match ${JSON.stringify(labels)}, also after canonicalising`, () => {
          expect(selector.matches(labels)).toBe(false);
          expect(reparsed.matches(labels)).toBe(false);
        });
      }
    });
  }

  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text.length > 60 ? `${text.slice(0, 20)}…` : text)}`, () => {
      const error = syntaxError(text);
      expect(error._tag).toBe("SelectorSyntaxError");
      expect(error.input).toBe(text);
      expect(error.position).toBeGreaterThanOrEqual(0);
      expect(error.position).toBeLessThanOrEqual(text.length);
    });
  }

  for (const [text, expected] of canonical) {
    it(`canonicalises ${JSON.stringify(text.length > 60 ? `${text.slice(0, 20)}…` : text)}`, () => {
      expect(parseSelector(text).toString()).toBe(expected);
    });
  }
});

describe("parseSelector: semantics", () => {
  it("treats a label with an empty value as present", () => {
    expect(parseSelector("has(a)").matches({ a: "" })).toBe(true);
    expect(parseSelector('a == ""').matches({ a: "" })).toBe(true);
    expect(parseSelector('a == ""').matches({})).toBe(false);
    expect(parseSelector('a contains ""').matches({})).toBe(false);
    expect(parseSelector('a contains ""').matches({ a: "x" })).toBe(true);
  });

  it("compares exactly and case-sensitively", () => {
    expect(parseSelector('a == "B"').matches({ a: "b" })).toBe(false);
    expect(parseSelector('A == "b"').matches({ a: "b" })).toBe(false);
    expect(parseSelector('a == "b"').matches({ a: "b " })).toBe(false);
  });

  it("binds ! to the single following term, including a group", () => {
    expect(parseSelector('!a == "x" && b == "y"').matches({ b: "y" })).toBe(true);
    expect(parseSelector('!(a == "x" && b == "y")').matches({ a: "x", b: "y" })).toBe(false);
    expect(parseSelector('!(a == "x" && b == "y")').matches({ a: "x" })).toBe(true);
  });

  it("gives && precedence over ||", () => {
    const s = parseSelector('a == "1" || b == "1" && c == "1"');
    expect(s.toString()).toBe('(a == "1" || (b == "1" && c == "1"))');
    expect(s.matches({ a: "1" })).toBe(true);
    expect(s.matches({ b: "1" })).toBe(false);
    expect(s.matches({ b: "1", c: "1" })).toBe(true);
  });

  it("evaluates empty sets: in {} never matches, not in {} always does", () => {
    expect(parseSelector("a in {}").matches({ a: "" })).toBe(false);
    expect(parseSelector("a not in {}").matches({})).toBe(true);
  });

  it("uses a hash set for large sets with the same result", () => {
    const s = parseSelector('zone in {"e", "d", "c", "b", "a"}');
    expect(s.matches({ zone: "c" })).toBe(true);
    expect(s.matches({ zone: "f" })).toBe(false);
    expect(s.matches({})).toBe(false);
    expect(parseSelector('zone not in {"e", "d", "c", "b", "a"}').matches({})).toBe(true);
  });

  it("does not see Object.prototype members as labels", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(parseSelector(`has(${name})`).matches({})).toBe(false);
      expect(parseSelector(`${name} != "x"`).matches({})).toBe(true);
      expect(parseSelector(`${name} not in {"x", "y", "z", "w"}`).matches({})).toBe(true);
      expect(parseSelector(`${name} contains ""`).matches({})).toBe(false);
      const own = Object.fromEntries([[name, "v"]]);
      expect(parseSelector(`has(${name})`).matches(own)).toBe(true);
      expect(parseSelector(`${name} == "v"`).matches(own)).toBe(true);
      expect(parseSelector(`${name} starts with "v"`).matches(own)).toBe(true);
    }
  });

  it("reads null-prototype label objects", () => {
    const labels: Record<string, string> = Object.create(null);
    labels.zone = "a";
    expect(parseSelector('has(zone) && zone in {"a", "b"}').matches(labels)).toBe(true);
  });

  it("returns the cached, frozen selector for repeated text", () => {
    const a = parseSelector('zone == "a"');
    expect(parseSelector('zone == "a"')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it(`accepts ${maxNesting} nested parentheses and rejects one more`, () => {
    const nested = (depth: number) => `${"!(".repeat(depth)}has(a)${")".repeat(depth)}`;
    const deepest = parseSelector(nested(maxNesting));
    expect(deepest.matches({ a: "" })).toBe(true); // an even number of "!"
    expect(deepest.toString()).toBe(`${"!".repeat(maxNesting)}has(a)`);
    const error = syntaxError(nested(maxNesting + 1));
    expect(error.position).toBe(2 * maxNesting + 1); // the "(" one level too deep
    expect(error.expected).toBe(`at most ${maxNesting} nested parentheses`);
  });
});

describe("SelectorSyntaxError", () => {
  it.each([
    // text, position, expected, found, a fragment of the message
    ["b == b", 5, "a quoted string (\"...\" or '...')", '"b"', 'Quote the value, e.g. b == "b".'],
    [
      'label = "value"',
      6,
      "an operator after the label: ==, !=, contains, starts with, ends with, in or not in",
      '"="',
      'Use "==" to test equality.',
    ],
    ["a ", 2, "an operator after the label", "the end of the selector", "write has(a)"],
    ["has (a)", 4, "an operator after the label", '"("', 'Write "has(" with no space'],
    [
      'foo in ""',
      7,
      'a set literal such as {"a", "b"}',
      'the string ""',
      "Put the values in braces",
    ],
    ['"FOO', 0, "a selector term", 'an unterminated string starting with "', "A value goes on"],
    [
      'a == "FOO',
      9,
      'a closing " for the string that starts at position 5',
      "the end",
      "no escapes",
    ],
    ['(a == "foo"', 11, '")" to close the "(" at position 0', "the end", 'Add the missing ")".'],
    [")", 0, "a selector term", '")"', ""],
    ['a == "b")', 8, '"&&", "||" or the end of the selector', '")"', 'Remove the ")"'],
    ["has(a) has(b)", 7, '"&&", "||" or the end', '"has"', 'Join selector terms with "&&"'],
    ['a == "b" & has(foo)', 9, '"&&"', '"&"', 'Write "&&" for AND'],
    ['a == "b" | c', 9, '"||"', '"|"', 'Write "&&" for AND and "||" for OR.'],
    ["has()", 4, "a label name inside has( )", '")"', "has(route-reflector)"],
    ["has( foo ", 9, '")" to close "has("', "the end of the selector", ""],
    ["all(", 4, '")" to close "all("', "the end of the selector", ""],
    ['a in {"x" "y"}', 10, '"," or "}"', 'the string "y"', "separated by commas"],
    ["a in {,}", 6, 'a quoted string or "}"', '","', ""],
    ['a == "b"\n', 8, '"&&", "||" or the end', "the character U+000A", ""],
    ["\u00a0has(a)", 0, "a selector term", "the character U+00A0", "Only spaces and tabs"],
    ["!= 'x'", 0, "a selector term", '"!="', ""],
    [`${"a".repeat(513)} == "v"`, 0, "a label name of at most 512 characters", "…", "Shorten"],
  ])("reports %j at %i", (text, position, expected, found, fragment) => {
    const error = syntaxError(text);
    expect(error.position).toBe(position);
    expect(error.expected).toContain(expected);
    expect(error.found).toContain(found);
    expect(error.message).toContain(`at position ${position}`);
    expect(error.message).toContain(fragment);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SelectorSyntaxError");
  });

  it("quotes long input as an excerpt around the failure", () => {
    const text = `${'a == "b" && '.repeat(20)}zone = "x"`;
    const error = syntaxError(text);
    expect(error.message).not.toContain(text);
    expect(error.message).toContain('near "');
    expect(error.input).toBe(text);
  });
});

// ---- Property tests -------------------------------------------------------------------------

/** A generated selector: its source text plus an independent reference evaluation. */
interface Generated {
  readonly text: string;
  readonly evaluate: (labels: Labels) => boolean;
}

const labelNames = ["a", "b", "zone", "x.y/z-1_2", "constructor", "__proto__"] as const;
const labelValues = ["", "a", "b", "ab", "'", '"', "a b", "é"] as const;

const ws = fc.constantFrom("", " ", "  ", "\t", " \t ");
const ws1 = fc.constantFrom(" ", "\t", "  ");
const labelName = fc.constantFrom(...labelNames);
const labelValue = fc.constantFrom(...labelValues);

/** Quotes a value with a quote character it does not contain (choosing freely when both fit). */
const quoted = (value: string) =>
  fc
    .constantFrom('"', "'")
    .map((q) =>
      value.includes(q) ? (q === '"' ? `'${value}'` : `"${value}"`) : `${q}${value}${q}`,
    );

const hasTerm: fc.Arbitrary<Generated> = fc.tuple(labelName, ws, ws).map(([name, w1, w2]) => ({
  text: `has(${w1}${name}${w2})`,
  evaluate: (l: Labels) => Object.hasOwn(l, name),
}));

const constantTerm: fc.Arbitrary<Generated> = fc
  .tuple(fc.constantFrom("all", "global"), ws)
  .map(([fn, w]) => ({ text: `${fn}(${w})`, evaluate: () => true }));

const own = (l: Labels, name: string) => (Object.hasOwn(l, name) ? l[name] : undefined);

const compareTerm: fc.Arbitrary<Generated> = fc
  .tuple(
    labelName,
    fc.constantFrom("==", "!=", "contains", "startswith", "starts  with", "ends with", "endswith"),
    labelValue,
  )
  .chain(([name, op, value]) =>
    fc.tuple(quoted(value), ws, ws).map(([q, w1, w2]) => {
      const symbolic = op === "==" || op === "!=";
      // A word operator needs a space after the label, or the label would swallow it.
      const text = `${name}${symbolic ? w1 : ` ${w1}`}${op}${w2}${q}`;
      const test = (v: string | undefined): boolean => {
        if (op === "==") return v === value;
        if (op === "!=") return v !== value;
        if (v === undefined) return false;
        if (op === "contains") return v.includes(value);
        if (op.startsWith("starts")) return v.startsWith(value);
        return v.endsWith(value);
      };
      return { text, evaluate: (l: Labels) => test(own(l, name)) };
    }),
  );

const setTerm: fc.Arbitrary<Generated> = fc
  .tuple(
    labelName,
    fc.constantFrom("in", "not in", "notin", "not \t in"),
    fc.array(labelValue, { maxLength: 6 }),
  )
  .chain(([name, op, values]) =>
    fc
      .tuple(fc.tuple(...values.map(quoted)), ws1, ws, fc.boolean())
      .map(([qs, w1, w2, trailingComma]) => {
        const items = qs.join(`${w2},${w2}`) + (trailingComma && qs.length > 0 ? "," : "");
        const negate = op !== "in";
        return {
          text: `${name}${w1}${op}${w2}{${w2}${items}${w2}}`,
          evaluate: (l: Labels) => {
            const v = own(l, name);
            const member = v !== undefined && values.includes(v as (typeof labelValues)[number]);
            return negate ? !member : member;
          },
        };
      }),
  );

const selectorArb: fc.Arbitrary<Generated> = fc.letrec<{ expr: Generated; term: Generated }>(
  (tie) => ({
    term: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      hasTerm,
      constantTerm,
      compareTerm,
      setTerm,
      fc.tuple(tie("expr"), ws, ws).map(([inner, w1, w2]) => ({
        text: `(${w1}${inner.text}${w2})`,
        evaluate: inner.evaluate,
      })),
      fc.tuple(tie("term"), fc.integer({ min: 1, max: 3 }), ws).map(([inner, bangs, w]) => ({
        text: `${`!${w}`.repeat(bangs)}${inner.text}`,
        evaluate: bangs % 2 === 1 ? (l: Labels) => !inner.evaluate(l) : inner.evaluate,
      })),
    ),
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tie("term"),
      fc
        .tuple(
          fc.constantFrom("&&", "||"),
          fc.array(tie("term"), { minLength: 2, maxLength: 4 }),
          ws,
        )
        .map(([op, terms, w]) => ({
          text: terms.map((t) => t.text).join(`${w}${op}${w}`),
          evaluate:
            op === "&&"
              ? (l: Labels) => terms.every((t) => t.evaluate(l))
              : (l: Labels) => terms.some((t) => t.evaluate(l)),
        })),
    ),
  }),
).expr;

const labelsArb: fc.Arbitrary<Labels> = fc
  .uniqueArray(fc.tuple(labelName, labelValue), { selector: ([name]) => name, maxLength: 6 })
  .map((entries) => Object.fromEntries(entries));

// Thousands of generated cases each: on a loaded machine they take far longer than vitest's 5 s
// default, which is a hang guard here, not a speed target.
describe("parseSelector: properties", { timeout: 120_000 }, () => {
  it("evaluates generated selectors like the reference semantics, also after canonicalising", () => {
    fc.assert(
      fc.property(
        selectorArb,
        fc.array(labelsArb, { minLength: 1, maxLength: 8 }),
        (generated, labelSets) => {
          const selector = parseSelector(generated.text);
          const canonicalText = selector.toString();
          const reparsed = parseSelector(canonicalText);
          // Calico prints "!(!x)" as "!!x", which re-parses to x; one more round is a fixpoint.
          expect(parseSelector(reparsed.toString()).toString()).toBe(reparsed.toString());
          if (!/!!/.test(canonicalText)) expect(reparsed.toString()).toBe(canonicalText);
          for (const labels of labelSets) {
            const expected = generated.evaluate(labels);
            expect(selector.matches(labels)).toBe(expected);
            expect(reparsed.matches(labels)).toBe(expected);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  const assertOnlySyntaxErrors = (text: string) => {
    try {
      const selector = parseSelector(text);
      const canonicalText = selector.toString();
      expect(typeof selector.matches({ a: "b" })).toBe("boolean");
      expect(() => parseSelector(canonicalText)).not.toThrow();
    } catch (e) {
      if (!(e instanceof SelectorSyntaxError)) throw e;
      expect(e.position).toBeGreaterThanOrEqual(0);
      expect(e.position).toBeLessThanOrEqual(text.length);
      expect(e.input).toBe(text);
      expect(e.message.length).toBeGreaterThan(0);
    }
  };

  it("throws nothing but SelectorSyntaxError on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 60 }), assertOnlySyntaxErrors), {
      numRuns: 3000,
    });
  });

  it("throws nothing but SelectorSyntaxError on near-miss token soups", () => {
    const token = fc.constantFrom(
      "a",
      "zone",
      "has",
      "all",
      "global",
      "contains",
      "starts",
      "with",
      "ends",
      "not",
      "in",
      "startswith",
      "notin",
      "==",
      "!=",
      "=",
      "!",
      "&&",
      "||",
      "&",
      "|",
      "(",
      ")",
      "{",
      "}",
      ",",
      '"x"',
      "'y'",
      '"',
      "'",
      "has(",
      "has(a)",
      "all()",
      "global(",
      "\n",
      "%",
      " ",
      "\t",
      "é",
    );
    const soup = fc
      .array(fc.tuple(token, fc.constantFrom("", " ")), { maxLength: 14 })
      .map((parts) => parts.map(([t, w]) => t + w).join(""));
    fc.assert(fc.property(soup, assertOnlySyntaxErrors), { numRuns: 5000 });
  });

  it("throws nothing but SelectorSyntaxError on mutated valid selectors", () => {
    const mutated = fc
      .tuple(selectorArb, fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 2 }))
      .map(([generated, at, cut, insert]) => {
        const i = at % (generated.text.length + 1);
        return generated.text.slice(0, i) + insert + generated.text.slice(i + cut);
      });
    fc.assert(fc.property(mutated, assertOnlySyntaxErrors), { numRuns: 3000 });
  });
});

describe("documentation examples", () => {
  it("hold as written in the JSDoc", () => {
    const rr = parseSelector("has(route-reflector) && zone in {'a', 'b'}");
    expect(rr.matches({ "route-reflector": "", zone: "a" })).toBe(true);
    expect(rr.toString()).toBe('(has(route-reflector) && zone in {"a", "b"})');
    const notRR = parseSelector("!has(projectcalico.org/RouteReflectorClusterID)");
    expect(notRR.matches({ "kubernetes.io/hostname": "node-1" })).toBe(true);
    expect(syntaxError("zone == a").position).toBe(8);
    const west = syntaxError("zone == west");
    expect(west.position).toBe(8);
    expect(west.expected).toBe("a quoted string (\"...\" or '...')");
    expect(syntaxError("a = 'b'").position).toBe(2);
  });
});
