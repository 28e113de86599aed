/** Capability bits the lab needs (linux/capability.h). */
const capNetAdmin = 12;
const capSysAdmin = 21;

/**
 * Why this process cannot run a lab, or undefined when it can: network namespaces need
 * CAP_SYS_ADMIN and routes/links CAP_NET_ADMIN, which root has. `procStatus` is the text of
 * `/proc/self/status` (its `CapEff` line is read).
 *
 * @example
 * ```ts
 * privilegeProblem(0, "") // undefined
 * privilegeProblem(1000, "CapEff:\t0000000000000000") // "missing CAP_SYS_ADMIN and CAP_NET_ADMIN"
 * ```
 */
export function privilegeProblem(uid: number | undefined, procStatus: string): string | undefined {
  if (uid === 0) return undefined;
  const effective = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/i.exec(procStatus)?.[1] ?? "0"}`);
  const needed: [string, number][] = [
    ["CAP_SYS_ADMIN", capSysAdmin],
    ["CAP_NET_ADMIN", capNetAdmin],
  ];
  const missing = needed
    .filter(([, bit]) => ((effective >> BigInt(bit)) & 1n) === 0n)
    .map(([name]) => name);
  return missing.length === 0 ? undefined : `missing ${missing.join(" and ")}`;
}
