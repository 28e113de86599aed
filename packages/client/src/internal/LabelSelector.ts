import { CalicoClientError } from "../CalicoClientError.js";

type Labels = Readonly<Record<string, string>>;

/**
 * A Kubernetes label selector (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) as a predicate. The
 * client needs it in crd.projectcalico.org/v1 mode, where labels live in the
 * projectcalico.org/metadata annotation and the apiserver cannot select on them (calicoctl
 * filters on its side too).
 */
export function labelSelectorPredicate(selector: string): (labels: Labels) => boolean {
  const requirements = splitTopLevel(selector)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map(requirement);
  return (labels) => requirements.every((matches) => matches(labels));
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    else if (text[i] === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function requirement(part: string): (labels: Labels) => boolean {
  const set = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (set) {
    const [, key = "", op, list = ""] = set;
    const values = new Set(list.split(",").map((v) => v.trim()));
    return op === "in"
      ? (l) => l[key] !== undefined && values.has(l[key] as string)
      : (l) => l[key] === undefined || !values.has(l[key] as string);
  }
  const compare = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s,()]*)$/.exec(part);
  if (compare) {
    const [, key = "", op, value = ""] = compare;
    return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  const exists = /^(!?)\s*([^\s!=()]+)$/.exec(part);
  if (exists) {
    const [, not, key = ""] = exists;
    return not ? (l) => l[key] === undefined : (l) => l[key] !== undefined;
  }
  throw new CalicoClientError("Invalid", `cannot parse label selector requirement "${part}"`, {
    causes: [
      { field: "labelSelector", message: "use key, !key, key=value, key!=value, key in (a,b)" },
    ],
  });
}
