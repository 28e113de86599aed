import { CliError } from "./CliError.js";
import type { CommandSpec, FlagSpec } from "./CommandSpec.js";

/** A command line resolved against the command tree, before global options are interpreted. */
export interface ParsedArgs {
  readonly path: readonly string[];
  readonly command: CommandSpec;
  readonly flags: Record<string, string | boolean | readonly string[]>;
  readonly args: readonly string[];
}

/**
 * Parses argv (without node and script) the way kubectl does: options anywhere, `--name value`,
 * `--name=value`, `-o json`, `-ojson`, `--` ends the options. The first words walk the command
 * tree. Unknown commands and options, missing values and values outside a flag's set are `Usage`
 * errors naming the word and the fix; nothing is guessed.
 *
 * @example
 * ```ts
 * const parsed = parseArgs(rootCommand, globalFlags, ["get", "bgppeers", "-o", "json"])
 * parsed.path // ["get"]; parsed.args // ["bgppeers"]; parsed.flags.output // "json"
 * ```
 */
export function parseArgs(
  root: CommandSpec,
  globalFlags: readonly FlagSpec[],
  argv: readonly string[],
): ParsedArgs {
  let command = root;
  const path: string[] = [];
  const flags: Record<string, string | boolean | readonly string[]> = {};
  const args: string[] = [];
  let onlyArgs = false;

  const known = () => [...(command.flags ?? []), ...globalFlags, ...rootOnly(command, root)];
  const set = (flag: FlagSpec, value: string | boolean, word: string) => {
    if (typeof value === "string" && flag.values && !flag.values.includes(value)) {
      throw new CliError(
        "Usage",
        `${word} does not accept "${value}"`,
        `use one of: ${flag.values.join(", ")}`,
      );
    }
    if (flag.repeatable && typeof value === "string") {
      const before = flags[flag.name];
      flags[flag.name] = [...(Array.isArray(before) ? before : []), value];
    } else if (flags[flag.name] !== undefined && flag.type === "string") {
      throw new CliError("Usage", `${word} is given twice`, "give it once");
    } else {
      flags[flag.name] = value;
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (onlyArgs || word === "-" || !word.startsWith("-")) {
      const child = !onlyArgs && args.length === 0 ? findChild(command, word) : undefined;
      if (child) {
        command = child;
        path.push(child.name);
      } else if (command.commands && !command.run && args.length === 0 && !onlyArgs) {
        throw new CliError(
          "Usage",
          `unknown command "${[...path, word].join(" ")}"`,
          `run "${[root.name, ...path].join(" ")} --help" for the commands`,
        );
      } else {
        args.push(word);
      }
      continue;
    }
    if (word === "--") {
      onlyArgs = true;
      continue;
    }
    const long = word.startsWith("--");
    const equals = word.indexOf("=");
    const name = long ? word.slice(2, equals > 0 ? equals : undefined) : word.slice(1, 2);
    const inline = long
      ? equals > 0
        ? word.slice(equals + 1)
        : undefined
      : word.slice(2) || undefined;
    const flag = known().find((f) => (long ? f.name === name : f.short === name));
    if (flag === undefined) {
      const here = [root.name, ...path].join(" ");
      throw new CliError(
        "Usage",
        `unknown option ${long ? `--${name}` : `-${name}`} for "${here}"`,
        `run "${here} --help" for its options (command options go after the command's name)`,
      );
    }
    const shown = long ? `--${flag.name}` : `-${flag.short}`;
    if (flag.type === "boolean") {
      if (inline !== undefined && !long) {
        throw new CliError("Usage", `${shown} takes no value ("${word}")`, `write ${shown} alone`);
      }
      if (inline !== undefined && inline !== "true" && inline !== "false") {
        throw new CliError("Usage", `${shown} is true or false, not "${inline}"`, `write ${shown}`);
      }
      set(flag, inline === undefined ? true : inline === "true", shown);
      continue;
    }
    if (inline !== undefined) {
      set(flag, inline, shown);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith("-") && next !== "-")) {
      throw new CliError(
        "Usage",
        `${shown} needs a value${flag.placeholder ? ` (${flag.placeholder})` : ""}`,
        flag.values ? `use one of: ${flag.values.join(", ")}` : `write ${shown} <value>`,
      );
    }
    set(flag, next, shown);
    i++;
  }

  return { path, command, flags, args };
}

function findChild(command: CommandSpec, word: string): CommandSpec | undefined {
  return command.commands?.find((c) => c.name === word);
}

// `--version` exists only on the root command.
function rootOnly(command: CommandSpec, root: CommandSpec): FlagSpec[] {
  return command === root
    ? [{ name: "version", type: "boolean", help: "print the version and exit" }]
    : [];
}
