import { CliError } from "../CliError.js";

const units: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A command-line duration in ms: `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds.
 *
 * @example
 * ```ts
 * parseDuration("90s", "--timeout") // 90000
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (units[match[2] ?? "s"] as number) : Number.NaN;
  if (!(value > 0)) {
    throw new CliError(
      "Usage",
      `${flag} "${text}" is not a duration`,
      "write a positive number with a unit, e.g. 30s, 5m or 500ms",
    );
  }
  return value;
}
