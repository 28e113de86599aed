import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** One `birdc show protocols` row, read straight from the real birdc's text. */
export interface BirdcProtocol {
  readonly name: string;
  readonly proto: string;
  readonly state: string;
  readonly info: string;
}

/** Runs the real `birdc` against a node's socket (no lab code in between). */
export function birdc(socket: string, ...command: string[]): string {
  return execFileSync("birdc", ["-s", socket, ...command], { encoding: "utf8" });
}

export function birdcProtocols(socket: string): BirdcProtocol[] {
  return birdc(socket, "show", "protocols")
    .split("\n")
    .slice(2)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 5)
    .map((f) => ({
      name: f[0] ?? "",
      proto: f[1] ?? "",
      state: f[3] ?? "",
      info: f.slice(5).join(" "),
    }));
}

/** BGP protocols only. */
export function birdcBgp(socket: string): BirdcProtocol[] {
  return birdcProtocols(socket).filter((p) => p.proto === "BGP");
}

/**
 * The "Last error" BIRD keeps for a protocol (`birdc show protocols all NAME`), or undefined
 * when it reports none: a failed connect attempt replaces it, so a change is a retry seen.
 */
export function birdcLastError(socket: string, name: string): string | undefined {
  const line = birdc(socket, "show", "protocols", "all", name)
    .split("\n")
    .find((l) => l.trim().startsWith("Last error:"));
  return line?.trim().slice("Last error:".length).trim();
}

export function established(p: BirdcProtocol): boolean {
  return p.state === "up" && p.info.startsWith("Established");
}

/** Kernel routes of a namespace, via the real `ip route`. */
export function kernelRoutes(netns: string): string[] {
  return execFileSync("ip", ["-n", netns, "route", "show"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line !== "");
}

/** Whether `from` has a kernel route to `to`'s pod block via `to` itself. */
export function routeVia(
  from: { readonly netns: string },
  to: { readonly podCIDR: string; readonly ipv4: string },
): boolean {
  return kernelRoutes(from.netns).some((r) => r.startsWith(`${to.podCIDR} via ${to.ipv4} `));
}

/** Polls `check` until it returns true; returns the elapsed ms, throws with `describe()` on timeout. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
  describe: () => string = () => "",
): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what}: not within ${timeoutMs} ms\n${describe()}`);
    await sleep(100);
  }
}
