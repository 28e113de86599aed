/**
 * The syntax tree of a Calico selector, shaped like libcalico-go's AST so that the canonical
 * text (`formatSelectorNode`) is exactly what Calico's `Selector.String()` prints.
 */
export type SelectorNode =
  | { readonly kind: "all" }
  | { readonly kind: "global" }
  | { readonly kind: "has"; readonly label: string }
  | {
      readonly kind: "compare";
      readonly operator: CompareOperator;
      readonly label: string;
      readonly value: string;
    }
  | {
      readonly kind: "set";
      readonly operator: SetOperator;
      readonly label: string;
      /** Sorted by code point and without duplicates, as Calico stores sets. */
      readonly values: readonly string[];
    }
  | { readonly kind: "not"; readonly operand: SelectorNode }
  | { readonly kind: "and" | "or"; readonly operands: readonly SelectorNode[] };

/** Operators that compare a label's value with one string, spelled as in canonical text. */
export type CompareOperator = "==" | "!=" | "contains" | "starts with" | "ends with";

/** Operators that test a label's value against a set literal. */
export type SetOperator = "in" | "not in";

/**
 * Sorts and de-duplicates set members. Calico compares Go strings byte-wise (UTF-8), which is
 * code-point order; JavaScript's default sort is UTF-16 order, which differs above U+FFFF.
 *
 * @example
 * ```ts
 * canonicalSetValues(["z", "a", "z"]); // ["a", "z"]
 * ```
 */
export function canonicalSetValues(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareCodePoints);
  return sorted.filter((value, index) => index === 0 || value !== sorted[index - 1]);
}

function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (code points above U+FFFF) after U+E000..U+FFFF, keeping both ranges' order. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * Calico's canonical text: `&&`/`||` groups in parentheses, `!` without a space, values in
 * double quotes unless they contain one (a value can never hold both quote characters).
 *
 * @example
 * ```ts
 * formatSelectorNode({ kind: "not", operand: { kind: "has", label: "a" } }); // "!has(a)"
 * ```
 */
export function formatSelectorNode(node: SelectorNode): string {
  switch (node.kind) {
    case "all":
      return "all()";
    case "global":
      return "global()";
    case "has":
      return `has(${node.label})`;
    case "compare":
      return `${node.label} ${node.operator} ${quote(node.value)}`;
    case "set":
      return `${node.label} ${node.operator} {${node.values.map(quote).join(", ")}}`;
    case "not":
      return `!${formatSelectorNode(node.operand)}`;
    case "and":
      return `(${node.operands.map(formatSelectorNode).join(" && ")})`;
    case "or":
      return `(${node.operands.map(formatSelectorNode).join(" || ")})`;
  }
}

function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}
