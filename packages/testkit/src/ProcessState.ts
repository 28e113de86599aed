import { readFileSync } from "node:fs";

/**
 * The scheduler state of a process, or of one of its threads, as the kernel reports it in
 * /proc (`R` running, `S` sleeping, `T` stopped, `Z` zombie, ...); `undefined` once it is gone.
 * Signals are only queued by kill(2), so this is how a caller learns that one has taken effect.
 *
 * @example
 * ```ts
 * // kill(pid, "SIGSTOP") has taken effect once the state is "T"
 * const stopped = (pid: number) => processState(pid) === "T"
 * ```
 */
export function processState(pid: number, thread?: number): string | undefined {
  const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  let stat: string;
  try {
    stat = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  // the state follows the command name, which is in parentheses and may hold spaces and ")"
  return stat.charAt(stat.lastIndexOf(")") + 2) || undefined;
}
