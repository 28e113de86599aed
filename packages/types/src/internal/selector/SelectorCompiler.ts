import type { SelectorNode } from "./SelectorNode.js";

/** Labels as selectors read them: a plain (or null-prototype) object of label name to value. */
export type LabelMap = Readonly<Record<string, string>>;

/** A compiled selector: one closure per tree node, built once, so evaluation never inspects the tree. */
export type LabelPredicate = (labels: LabelMap) => boolean;

const always: LabelPredicate = () => true;
const never: LabelPredicate = () => false;

/**
 * Compiles a syntax tree to closures with Calico's semantics for missing labels: a missing label
 * fails `==`, `contains`, `starts with`, `ends with`, `in` and `has`, and passes `!=` and `not in`.
 *
 * Label values are read as `labels[name]`. An inherited `Object.prototype` member (e.g. for a
 * label named `constructor`) is never a string, so it fails every string test and counts as
 * missing; only `has()` of such a name needs an explicit own-property check.
 *
 * @example
 * ```ts
 * const isRR = compileSelectorNode({ kind: "has", label: "route-reflector" });
 * isRR({ "route-reflector": "" }); // true
 * ```
 */
export function compileSelectorNode(node: SelectorNode): LabelPredicate {
  switch (node.kind) {
    case "all":
    case "global":
      return always;
    case "has": {
      const name = node.label;
      return name in Object.prototype
        ? (labels) => Object.hasOwn(labels, name)
        : (labels) => labels[name] !== undefined;
    }
    case "compare":
      return compileCompare(node.operator, node.label, node.value);
    case "set": {
      const isMember = compileMembership(node.label, node.values);
      if (node.operator === "in") return isMember;
      return (labels) => !isMember(labels);
    }
    case "not": {
      const operand = compileSelectorNode(node.operand);
      return (labels) => !operand(labels);
    }
    case "and":
      return compileAnd(node.operands.map(compileSelectorNode));
    case "or":
      return compileOr(node.operands.map(compileSelectorNode));
  }
}

function compileCompare(
  operator: "==" | "!=" | "contains" | "starts with" | "ends with",
  name: string,
  value: string,
): LabelPredicate {
  switch (operator) {
    case "==":
      return (labels) => labels[name] === value;
    case "!=":
      return (labels) => labels[name] !== value;
    case "contains":
      return (labels) => {
        const v = labels[name];
        return typeof v === "string" && v.includes(value);
      };
    case "starts with":
      return (labels) => {
        const v = labels[name];
        return typeof v === "string" && v.startsWith(value);
      };
    case "ends with":
      return (labels) => {
        const v = labels[name];
        return typeof v === "string" && v.endsWith(value);
      };
  }
}

/** Small sets compare directly (cheaper than hashing); larger ones use a `Set`. */
function compileMembership(name: string, values: readonly string[]): LabelPredicate {
  const [a, b, c] = values;
  switch (values.length) {
    case 0:
      return never;
    case 1:
      return (labels) => labels[name] === a;
    case 2:
      return (labels) => {
        const v = labels[name];
        return v === a || v === b;
      };
    case 3:
      return (labels) => {
        const v = labels[name];
        return v === a || v === b || v === c;
      };
    default: {
      const set = new Set(values);
      return (labels) => {
        const v = labels[name];
        return v !== undefined && set.has(v);
      };
    }
  }
}

function compileAnd(operands: readonly LabelPredicate[]): LabelPredicate {
  const [a, b, c] = operands;
  if (operands.length === 2 && a && b) return (labels) => a(labels) && b(labels);
  if (operands.length === 3 && a && b && c) {
    return (labels) => a(labels) && b(labels) && c(labels);
  }
  return (labels) => operands.every((operand) => operand(labels));
}

function compileOr(operands: readonly LabelPredicate[]): LabelPredicate {
  const [a, b, c] = operands;
  if (operands.length === 2 && a && b) return (labels) => a(labels) || b(labels);
  if (operands.length === 3 && a && b && c) {
    return (labels) => a(labels) || b(labels) || c(labels);
  }
  return (labels) => operands.some((operand) => operand(labels));
}
