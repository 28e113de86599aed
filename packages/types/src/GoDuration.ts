// Go's time.ParseDuration grammar, which Calico uses to decode metav1.Duration fields
// (maxRestartTime, keepaliveTime, nodeMeshMaxRestartTime). The CRDs only say `type: string`,
// so validateResource and the lab's confd model both read these fields through parseGoDuration.

const nanosecondsPerUnit: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  "\u00b5s": 1e3,
  "\u03bcs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
// Go durations are int64 nanoseconds (2^63 - 1 is about 292 years).
const maxNanoseconds = 2 ** 63;

function isDigit(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 48 && code <= 57;
}

/**
 * Nanoseconds of a Go duration string (`"120s"`, `"1h30m"`, `"1.5s"`, `"-3s"`, `"0"`), or undefined
 * when Go's `time.ParseDuration` would reject it (no unit, unknown unit, spaces, overflow).
 * Callers that need whole seconds round themselves (confd rounds half away from zero).
 * @example
 * ```ts
 * parseGoDuration("1m30s"); // 90_000_000_000
 * parseGoDuration("90"); // undefined: a unit is required
 * ```
 */
export function parseGoDuration(text: string): number | undefined {
  let i = 0;
  let sign = 1;
  if (text[0] === "-" || text[0] === "+") {
    sign = text[0] === "-" ? -1 : 1;
    i = 1;
  }
  if (text.slice(i) === "0") return 0;
  if (i === text.length) return undefined;
  let total = 0;
  while (i < text.length) {
    const numberStart = i;
    let value = 0;
    while (isDigit(text, i)) i++;
    const integerDigits = i - numberStart;
    if (integerDigits > 0) value = Number(text.slice(numberStart, i));
    let fractionDigits = 0;
    if (text[i] === ".") {
      i++;
      const fractionStart = i;
      while (isDigit(text, i)) i++;
      fractionDigits = i - fractionStart;
      if (fractionDigits > 0) value += Number(`0.${text.slice(fractionStart, i)}`);
    }
    if (integerDigits === 0 && fractionDigits === 0) return undefined;
    const unitStart = i;
    while (i < text.length && text[i] !== "." && !isDigit(text, i)) i++;
    const perUnit = nanosecondsPerUnit[text.slice(unitStart, i)];
    if (perUnit === undefined) return undefined;
    total += value * perUnit;
    if (total >= maxNanoseconds) return undefined;
  }
  return sign * total;
}

/** The fix hint validation messages give for a bad duration. */
export const goDurationHint =
  'write a Go duration such as "90s", "2m" or "1h30m" (units ns, us, ms, s, m, h)';

// Go's fmtFrac: the fraction of v below 10^precision, trailing zeros dropped.
function fraction(value: bigint, precision: number): [string, bigint] {
  let digits = "";
  let rest = value;
  let printing = false;
  for (let i = 0; i < precision; i++) {
    const digit = rest % 10n;
    printing ||= digit !== 0n;
    if (printing) digits = `${digit}${digits}`;
    rest /= 10n;
  }
  return [digits === "" ? "" : `.${digits}`, rest];
}

/**
 * A duration written as Go's `time.Duration.String()` writes it, which is how Calico stores a
 * metav1.Duration field it has decoded: `"120s"` is stored as `"2m0s"`, `"1h"` as `"1h0m0s"`,
 * `"1500ms"` as `"1.5s"`.
 *
 * @example
 * ```ts
 * formatGoDuration(120_000_000_000); // "2m0s"
 * formatGoDuration(1_500_000); // "1.5ms"
 * ```
 */
export function formatGoDuration(nanoseconds: number): string {
  const sign = nanoseconds < 0 ? "-" : "";
  let u = BigInt(Math.trunc(Math.abs(nanoseconds)));
  if (u === 0n) return "0s";
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    const [precision, unit] = u < 1_000_000n ? [3, "\u00b5s"] : [6, "ms"];
    const [frac, whole] = fraction(u, precision);
    return `${sign}${whole}${frac}${unit}`;
  }
  const [frac, seconds] = fraction(u, 9);
  u = seconds;
  let text = `${u % 60n}${frac}s`;
  u /= 60n;
  if (u > 0n) {
    text = `${u % 60n}m${text}`;
    u /= 60n;
    if (u > 0n) text = `${u}h${text}`;
  }
  return `${sign}${text}`;
}
