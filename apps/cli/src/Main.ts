import { parseArgs } from "./ArgParser.js";
import { CliError, exitCodes } from "./CliError.js";
import { cliVersion } from "./CliVersion.js";
import type { CommandSpec } from "./CommandSpec.js";
import { globalFlags, rootCommand } from "./Commands.js";
import { helpText } from "./Help.js";
import type { CommandIo, GlobalOptions, Invocation } from "./Invocation.js";
import { parseDuration } from "./internal/Duration.js";

/**
 * Runs one command line and resolves to its exit code: 0 ok, 1 unexpected, 2 invalid input or
 * refused, 3 rolled back, 4 rollback failed, 5 lock held, 130 interrupted. Errors are printed to stderr with what
 * to do; nothing throws.
 *
 * @example
 * ```ts
 * const code = await main(["validate", "-f", "peer.yaml"], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin })
 * ```
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = (signal: NodeJS.Signals) => {
    interrupts++;
    // The first Ctrl-C asks the command to stop cleanly (a migration rolls back); the second
    // leaves at once.
    if (interrupts > 1) process.exit(exitCodes.Interrupted);
    io.stderr.write("\ninterrupted: stopping (press Ctrl-C again to leave at once)\n");
    const by = signal === "SIGINT" ? "Ctrl-C" : signal;
    controller.abort(
      new CliError("Interrupted", `interrupted by ${by} before the command finished`),
    );
  };
  let verbose = argv.includes("-v") || argv.includes("--verbose");
  // A command that stopped because it was asked to says so (130), unless it ended with an
  // outcome of its own, e.g. a migration that rolled back (3).
  const interrupted = (code: number) =>
    controller.signal.aborted && (code === exitCodes.Failed || code === 0)
      ? report(controller.signal.reason, io, verbose)
      : code;
  if (argv[0] === "__complete") {
    const { completeWords } = await import("./Completion.js");
    const words = completeWords(rootCommand, globalFlags, argv.slice(1));
    io.stdout.write(words.length > 0 ? `${words.join("\n")}\n` : "");
    return 0;
  }
  try {
    const parsed = parseArgs(rootCommand, globalFlags, argv);
    verbose = parsed.flags.verbose === true;
    if (parsed.flags.version === true) {
      io.stdout.write(`calicokit ${cliVersion}\n`);
      return 0;
    }
    const { command } = parsed;
    if (parsed.flags.help === true || command.run === undefined) {
      io.stdout.write(helpText(rootCommand, globalFlags, parsed.path));
      return 0;
    }
    checkArgs(command, parsed.path, parsed.args);
    const global = globalOptions(command, parsed.path, parsed.flags, io);
    const signals = [controller.signal];
    if (global.timeoutMs !== undefined) signals.push(AbortSignal.timeout(global.timeoutMs));
    const invocation: Invocation = {
      path: parsed.path,
      flags: parsed.flags,
      args: parsed.args,
      global,
      io,
      signal: AbortSignal.any(signals),
    };
    process.on("SIGINT", onInterrupt);
    process.on("SIGTERM", onInterrupt);
    const handler = await command.run();
    return interrupted((await handler(invocation)) ?? 0);
  } catch (error) {
    return interrupted(report(error, io, verbose, controller.signal.aborted));
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}

function checkArgs(command: CommandSpec, path: readonly string[], args: readonly string[]): void {
  const specs = command.args ?? [];
  const full = ["calicokit", ...path].join(" ");
  const required = specs.filter((a) => a.required);
  if (args.length < required.length) {
    const missing = required.slice(args.length).map((a) => a.name);
    throw new CliError("Usage", `${full}: missing ${missing.join(" ")}`, `run "${full} --help"`);
  }
  if (!specs.some((a) => a.variadic) && args.length > specs.length) {
    throw new CliError(
      "Usage",
      `${full}: unexpected argument "${args[specs.length]}"`,
      `run "${full} --help"`,
    );
  }
  specs.forEach((spec, i) => {
    const value = args[i];
    if (value !== undefined && spec.values && !spec.variadic && !spec.values.includes(value)) {
      if (spec.name === "KIND") return; // kinds have many spellings: resourceName explains
      throw new CliError(
        "Usage",
        `${full}: ${spec.name} "${value}" is not one of ${spec.values.join(", ")}`,
        `run "${full} --help"`,
      );
    }
  });
}

function globalOptions(
  command: CommandSpec,
  path: readonly string[],
  flags: Readonly<Record<string, unknown>>,
  io: CommandIo,
): GlobalOptions {
  const full = ["calicokit", ...path].join(" ");
  const output = typeof flags.output === "string" ? flags.output : undefined;
  if (output !== undefined && !command.outputs?.includes(output)) {
    throw new CliError(
      "Usage",
      command.outputs
        ? `${full} does not print -o ${output}`
        : `${full} has no -o (it prints only messages)`,
      command.outputs ? `use -o ${command.outputs.join("|")}` : "leave out -o",
    );
  }
  const timeout = typeof flags.timeout === "string" ? flags.timeout : undefined;
  const noColor = flags["no-color"] === true || (process.env.NO_COLOR ?? "") !== "";
  return {
    kubeconfig: typeof flags.kubeconfig === "string" ? flags.kubeconfig : undefined,
    context: typeof flags.context === "string" ? flags.context : undefined,
    output: output ?? command.outputs?.[0] ?? "table",
    timeoutMs: timeout === undefined ? undefined : parseDuration(timeout, "--timeout"),
    verbose: flags.verbose === true,
    color: !noColor && io.stdout.isTTY === true,
  };
}

/**
 * Prints the error and returns its exit code. `interrupted`: a plain failure is the interruption's
 * consequence (e.g. an aborted request), so it is not printed; the interruption is reported instead.
 */
// Maps the packages' documented errors to exit codes without importing them (keeps --help and
// --version from loading the client).
function report(error: unknown, io: CommandIo, verbose: boolean, interrupted = false): number {
  const e = error as {
    name?: string;
    _tag?: string;
    message?: string;
    hint?: string;
    runId?: string;
  };
  let code: number;
  let message = e?.message ?? String(error);
  let hint: string | undefined;
  if (error instanceof CliError) {
    code = error.exitCode;
    hint = error.hint;
  } else if (e?.name === "CalicoClientError") {
    code = e._tag === "Config" || e._tag === "Invalid" ? exitCodes.InvalidInput : exitCodes.Failed;
  } else if (e?.name === "WorkflowError") {
    code = workflowExitCodes[e._tag ?? ""] ?? exitCodes.Failed;
    // the one outcome that leaves the cluster half-way: say so, and what to run
    if (e._tag === "RollbackFailed" && e.runId !== undefined) {
      hint = `the cluster is half-migrated: see "calicokit migrate status ${e.runId}", fix the cause, then run "calicokit migrate rollback ${e.runId}"`;
    }
  } else if (e?.name === "LabError") {
    code =
      e._tag === "InvalidOptions" || e._tag === "UnknownNode" ? exitCodes.Usage : exitCodes.Failed;
    hint = e.hint;
  } else {
    code = exitCodes.Failed;
    message = `unexpected error: ${message}`;
  }
  if (interrupted && code === exitCodes.Failed) return code;
  const hintLine = hint && !message.includes(hint) ? `\n  ${hint}` : "";
  io.stderr.write(`error: ${message}${hintLine}\n`);
  if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return code;
}

const workflowExitCodes: Readonly<Record<string, number>> = {
  InvalidRequest: exitCodes.InvalidInput,
  PlanRefused: exitCodes.Refused,
  StalePlan: exitCodes.Refused,
  RolledBack: exitCodes.RolledBack,
  Cancelled: exitCodes.RolledBack,
  RollbackFailed: exitCodes.RollbackFailed,
  LockHeld: exitCodes.LockHeld,
};
