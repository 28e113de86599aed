import { CliError } from "./CliError.js";
import type { CommandHandler, CommandSpec, FlagSpec } from "./CommandSpec.js";

/**
 * The candidates for the last word of a partial command line (the words after `calicokit`,
 * the last one being typed). An empty answer lets the shell complete file names.
 *
 * @example
 * ```ts
 * completeWords(rootCommand, globalFlags, ["get", "bgp"]) // ["bgpconfigurations", "bgpconfiguration", ..., "bgppeers", ...]
 * ```
 */
export function completeWords(
  root: CommandSpec,
  globalFlags: readonly FlagSpec[],
  words: readonly string[],
): string[] {
  const current = words.at(-1) ?? "";
  let command: CommandSpec = root;
  let argIndex = 0;
  let previousFlag: FlagSpec | undefined;
  for (const word of words.slice(0, -1)) {
    if (previousFlag) {
      previousFlag = undefined;
      continue;
    }
    if (word.startsWith("-")) {
      const flag = flagsOf(command, globalFlags).find(
        (f) => `--${f.name}` === word || `-${f.short}` === word,
      );
      if (flag?.type === "string") previousFlag = flag;
      continue;
    }
    const child = argIndex === 0 ? command.commands?.find((c) => c.name === word) : undefined;
    if (child) command = child;
    else argIndex++;
  }
  let candidates: readonly string[];
  if (previousFlag) {
    candidates =
      previousFlag.name === "output" ? (command.outputs ?? []) : (previousFlag.values ?? []);
  } else if (current.startsWith("-")) {
    candidates = flagsOf(command, globalFlags).map((f) => `--${f.name}`);
  } else if (argIndex === 0 && command.commands) {
    candidates = command.commands.filter((c) => !c.hidden).map((c) => c.name);
  } else {
    const spec = command.args?.[Math.min(argIndex, (command.args?.length ?? 1) - 1)];
    candidates = spec?.values ?? [];
  }
  return candidates.filter((c) => c.startsWith(current));
}

function flagsOf(command: CommandSpec, globalFlags: readonly FlagSpec[]): FlagSpec[] {
  return [...(command.flags ?? []), ...globalFlags].filter(
    (f) => f.name !== "output" || command.outputs,
  );
}

const scripts: Readonly<Record<string, string>> = {
  bash: `# calicokit completion for bash: source <(calicokit completion bash)
_calicokit() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}"))
  if [[ \${#COMPREPLY[@]} -eq 0 ]]; then compopt -o default; fi
}
complete -F _calicokit calicokit kubectl-calicokit
`,
  zsh: `#compdef calicokit kubectl-calicokit
# calicokit completion for zsh: source <(calicokit completion zsh)
_calicokit() {
  local -a candidates
  candidates=(\${(f)"$(\${words[1]} __complete \${words[2,CURRENT]} 2>/dev/null)"})
  if (( \${#candidates} )); then compadd -- $candidates; else _files; fi
}
compdef _calicokit calicokit kubectl-calicokit
`,
  fish: `# calicokit completion for fish: calicokit completion fish > ~/.config/fish/completions/calicokit.fish
complete -c calicokit -f -a '(calicokit __complete (commandline -opc)[2..-1] (commandline -ct))'
complete -c kubectl-calicokit -f -a '(kubectl-calicokit __complete (commandline -opc)[2..-1] (commandline -ct))'
`,
};

/** `calicokit completion bash|zsh|fish`: the script that asks `calicokit __complete`. */
export const completionCommand: CommandHandler = async (invocation) => {
  const shell = invocation.args[0] as string;
  const script = scripts[shell];
  if (script === undefined) {
    throw new CliError("Usage", `no completion for shell "${shell}"`, "use bash, zsh or fish");
  }
  invocation.io.stdout.write(script);
  return 0;
};
