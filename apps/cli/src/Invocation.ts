/** The options every command takes. */
export interface GlobalOptions {
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  /** The `-o` format, resolved against the command's formats. */
  readonly output: string;
  /** Budget of the whole command, in ms; undefined for none. */
  readonly timeoutMs: number | undefined;
  readonly verbose: boolean;
  readonly color: boolean;
}

/** Where a command reads and writes (the process's streams, or a test's). */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

/** A parsed command line: which command, its options and arguments. */
export interface Invocation {
  /** Command names from the root, e.g. `["migrate", "apply"]`. */
  readonly path: readonly string[];
  /** Flag values by long name: booleans, strings, or string lists for repeatable flags. */
  readonly flags: Readonly<Record<string, string | boolean | readonly string[]>>;
  readonly args: readonly string[];
  readonly global: GlobalOptions;
  readonly io: CommandIo;
  /** Aborted on Ctrl-C (first press) and when `--timeout` runs out. */
  readonly signal: AbortSignal;
}

/** A string flag's value, or undefined. */
export function stringFlag(invocation: Invocation, name: string): string | undefined {
  const value = invocation.flags[name];
  return typeof value === "string" ? value : undefined;
}

/** A boolean flag's value (false when absent). */
export function booleanFlag(invocation: Invocation, name: string): boolean {
  return invocation.flags[name] === true;
}

/** A repeatable flag's values (empty when absent). */
export function listFlag(invocation: Invocation, name: string): readonly string[] {
  const value = invocation.flags[name];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
}
