import { compileSelectorNode, type LabelPredicate } from "./internal/selector/SelectorCompiler.js";
import { formatSelectorNode } from "./internal/selector/SelectorNode.js";
import { parseSelectorText } from "./internal/selector/SelectorParser.js";

/**
 * A parsed Calico selector (the language of `nodeSelector`, `peerSelector`, IPPool `nodeSelector`,
 * ...), compiled for fast evaluation. Immutable and safe to share.
 *
 * @example
 * ```ts
 * const rr = parseSelector("has(route-reflector) && zone in {'a', 'b'}");
 * rr.matches({ "route-reflector": "", zone: "a" }); // true
 * rr.toString(); // '(has(route-reflector) && zone in {"a", "b"})'
 * ```
 */
export interface Selector {
  /**
   * Whether a set of labels satisfies the selector, with Calico's rules for missing labels
   * (`!=` and `not in` match when the label is absent; every other test fails).
   * Reads own properties of a plain or null-prototype object.
   */
  readonly matches: (labels: Readonly<Record<string, string>>) => boolean;
  /**
   * The canonical text, exactly as Calico's `Selector.String()` prints it: `all()` for an
   * empty selector, groups in parentheses, sets sorted and de-duplicated, `!` without a space.
   */
  toString(): string;
}

class CompiledSelector implements Selector {
  constructor(
    readonly matches: LabelPredicate,
    private readonly canonical: string,
  ) {
    Object.freeze(this);
  }

  toString(): string {
    return this.canonical;
  }
}

/** Parsed selectors by source text; the same few selectors are evaluated against many nodes. */
const cache = new Map<string, Selector>();
const maxCachedSelectors = 1024;
/** Very long texts are parsed every time rather than pinned in memory. */
const maxCachedTextLength = 4096;

/**
 * Parses and compiles a Calico selector. Accepts exactly what Calico accepts, except that
 * calicokit rejects parentheses nested more than 1000 deep. Results are cached by text
 * (bounded), so repeated calls with the same selector are cheap.
 *
 * @throws {SelectorSyntaxError} on any text that is not a valid selector, and nothing else.
 *
 * @example
 * ```ts
 * const notRR = parseSelector("!has(projectcalico.org/RouteReflectorClusterID)");
 * notRR.matches({ "kubernetes.io/hostname": "node-1" }); // true
 *
 * parseSelector("");          // matches everything; toString() is "all()"
 * parseSelector("zone == a"); // throws SelectorSyntaxError: expected a quoted string at position 8
 * ```
 */
export function parseSelector(text: string): Selector {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const root = parseSelectorText(text);
  const selector = new CompiledSelector(compileSelectorNode(root), formatSelectorNode(root));
  if (text.length <= maxCachedTextLength) {
    if (cache.size >= maxCachedSelectors) {
      // Evict the oldest entry (Map keeps insertion order); cheap and good enough for a hot set.
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(text, selector);
  }
  return selector;
}
