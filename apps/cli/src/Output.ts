import { stringify } from "yaml";
import type { Invocation } from "./Invocation.js";

/** A table column: its header and how to read a row's cell; `wide` columns only with -o wide. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (item: T) => string;
  readonly wide?: boolean;
}

/**
 * Rows as kubectl prints them: upper-case headers, columns three spaces apart, no trailing
 * spaces.
 *
 * @example
 * ```ts
 * renderTable(["NAME", "AGE"], [["peer-1", "3m"]]) // "NAME     AGE\npeer-1   3m\n"
 * ```
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] as number) + 3)))
      .join("")
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}

/** JSON (2-space indent) or YAML, as `-o` asks. */
export function formatData(format: string, value: unknown): string {
  return format === "yaml"
    ? stringify(value, { lineWidth: 0 })
    : `${JSON.stringify(value, null, 2)}\n`;
}

/** Prints a value as JSON or YAML (`-o json|yaml`; JSON for any other format). */
export function printData(invocation: Invocation, value: unknown): void {
  invocation.io.stdout.write(formatData(invocation.global.output, value));
}

/**
 * Prints objects as kubectl does: a table (`-o table|wide`), or for `-o json|yaml` the object
 * itself when one was asked for by name, else `{"apiVersion":"v1","kind":"List","items":[...]}`.
 */
export function printObjects<T>(
  invocation: Invocation,
  items: readonly T[],
  columns: readonly Column<T>[],
  options: { readonly single: boolean; readonly emptyMessage?: string },
): void {
  const format = invocation.global.output;
  if (format === "json" || format === "yaml") {
    const value =
      options.single && items.length === 1
        ? items[0]
        : { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items };
    printData(invocation, value);
    return;
  }
  if (items.length === 0) {
    invocation.io.stderr.write(`${options.emptyMessage ?? "No resources found."}\n`);
    return;
  }
  const shown = columns.filter((c) => format === "wide" || !c.wide);
  invocation.io.stdout.write(
    renderTable(
      shown.map((c) => c.header),
      items.map((item) => shown.map((c) => c.cell(item))),
    ),
  );
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, grey: 90, bold: 1 } as const;

/** Colours text for a terminal, unless --no-color, NO_COLOR or output is not a TTY. */
export function paint(invocation: Invocation, color: keyof typeof codes, text: string): string {
  return invocation.global.color ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}

/** A kubectl-style age: 45s, 3m, 5h, 2d. */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (timestamp === undefined) return "<unknown>";
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
