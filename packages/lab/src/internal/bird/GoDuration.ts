const unitSeconds: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * Seconds in a Go duration string (`"120s"`, `"1m30s"`, `"1.5h"`), rounded to whole seconds as
 * confd does before writing `graceful restart time` / `keepalive time`; undefined when the text
 * is not a Go duration.
 * @example
 * ```ts
 * goDurationSeconds("1m30s"); // 90
 * ```
 */
export function goDurationSeconds(text: string): number | undefined {
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (match === null) return text === "0" ? 0 : undefined;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (unitSeconds[part[2] ?? ""] ?? 0);
  }
  // Go's math.Round rounds half away from zero.
  const rounded = Math.sign(total) * Math.round(Math.abs(total));
  return match[1] === "-" ? -rounded || 0 : rounded;
}
