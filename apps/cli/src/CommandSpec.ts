import type { Invocation } from "./Invocation.js";

/** One option of a command. Booleans take no value; strings take the next word or `=value`. */
export interface FlagSpec {
  /** Long name, without the leading `--`. */
  readonly name: string;
  /** One-letter alias, without the leading `-`. */
  readonly short?: string;
  readonly type: "boolean" | "string";
  /** The accepted values (checked, listed in help, offered by completion). */
  readonly values?: readonly string[];
  /** Name of the value in help, e.g. `FILE`. */
  readonly placeholder?: string;
  /** May be given more than once (the values are collected in order). */
  readonly repeatable?: boolean;
  /** Completion offers file names. */
  readonly files?: boolean;
  readonly help: string;
}

/** One positional argument. */
export interface ArgSpec {
  readonly name: string;
  readonly help: string;
  readonly required?: boolean;
  readonly variadic?: boolean;
  readonly values?: readonly string[];
}

/** What a command does when it runs: its exit code (undefined is 0). */
export type CommandHandler = (invocation: Invocation) => Promise<number | undefined>;

/** A command of the tree: a group (`commands`) or a leaf that runs (`run`). */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  readonly flags?: readonly FlagSpec[];
  readonly args?: readonly ArgSpec[];
  /** The `-o` formats this command prints; the first is the default. Without it, no `-o`. */
  readonly outputs?: readonly string[];
  readonly commands?: readonly CommandSpec[];
  readonly examples?: readonly string[];
  /** Not listed in help or completion (internal entry points). */
  readonly hidden?: boolean;
  /** Loads the handler lazily, so `--help` and `--version` never import the packages. */
  readonly run?: () => Promise<CommandHandler>;
}
