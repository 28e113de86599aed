import type { CommandSpec, FlagSpec } from "./CommandSpec.js";

/**
 * The help text of a command: usage, subcommands, its options, the global options, examples.
 *
 * @example
 * ```ts
 * process.stdout.write(helpText(rootCommand, globalFlags, ["get"]))
 * ```
 */
export function helpText(
  root: CommandSpec,
  globalFlags: readonly FlagSpec[],
  path: readonly string[],
): string {
  let command = root;
  for (const name of path) command = command.commands?.find((c) => c.name === name) ?? command;
  const full = [root.name, ...path].join(" ");
  const lines: string[] = [`${full} - ${command.summary}`, ""];
  if (command.description) lines.push(...wrap(command.description, 98), "");
  const visible = (command.commands ?? []).filter((c) => !c.hidden);
  const argWords = (command.args ?? []).map((a) => {
    const word = a.variadic ? `${a.name}...` : a.name;
    return a.required ? word : `[${word}]`;
  });
  lines.push("Usage:");
  if (visible.length > 0) lines.push(`  ${full} COMMAND [options]`);
  if (command.run) lines.push(`  ${[full, ...argWords].join(" ")} [options]`);
  lines.push("");
  if (visible.length > 0) {
    lines.push("Commands:");
    const width = Math.max(...visible.map((c) => c.name.length));
    for (const c of visible) lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
    lines.push("");
  }
  if ((command.args ?? []).length > 0) {
    lines.push("Arguments:");
    const width = Math.max(...(command.args ?? []).map((a) => a.name.length));
    for (const a of command.args ?? []) lines.push(`  ${a.name.padEnd(width)}  ${a.help}`);
    lines.push("");
  }
  const own = [...(command.flags ?? [])];
  if (command.outputs) {
    own.push({
      name: "output",
      short: "o",
      type: "string",
      placeholder: "FORMAT",
      help: `${command.outputs.join("|")} (default ${command.outputs[0]})`,
    });
  }
  if (command === root) {
    own.push({ name: "version", type: "boolean", help: "print the version and exit" });
  }
  if (own.length > 0) lines.push("Options:", ...flagLines(own), "");
  const globals = globalFlags.filter((f) => f.name !== "output" || !command.outputs);
  lines.push("Global options:", ...flagLines(globals), "");
  if (command.examples && command.examples.length > 0) {
    lines.push("Examples:", ...command.examples.map((e) => `  ${e}`), "");
  }
  if (visible.length > 0) lines.push(`Run "${full} COMMAND --help" for a command's options.`, "");
  return `${lines.join("\n")}`;
}

function flagLines(flags: readonly FlagSpec[]): string[] {
  const left = flags.map((f) => {
    const names = `${f.short ? `-${f.short}, ` : "    "}--${f.name}`;
    const value = f.type === "string" ? ` ${f.placeholder ?? "VALUE"}` : "";
    return `  ${names}${value}`;
  });
  const width = Math.max(...left.map((l) => l.length));
  return flags.map((f, i) => {
    const values = f.values ? ` (${f.values.join("|")})` : "";
    return `${(left[i] as string).padEnd(width)}  ${f.help}${f.help.includes("|") ? "" : values}`;
  });
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line !== "") {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
