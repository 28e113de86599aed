/**
 * The lab's address plan. Every lab lives in its own network namespaces, so labs may share it;
 * nothing here is ever configured in the host's namespace.
 * - node i (1-based): 10.99.0.(10+i)/16 on the lab bridge, fd99::(10+i)/64 when IPv6 is on
 *   (the IPv6 host part repeats the IPv4 last octet's digits, so the two are easy to match);
 * - pod pools: Calico's default IPv4 pool 192.168.0.0/16 (blocks /26) and fd00:10:244::/64 (/122);
 * - node i's pod block: the (i-1)-th block of each pool.
 */
export const labSubnetV4 = { base: "10.99.0.0", prefixLength: 16 } as const;
export const labSubnetV6PrefixLength = 64;
export const podPoolV4 = { cidr: "192.168.0.0/16", blockSize: 26 } as const;
export const podPoolV6 = { cidr: "fd00:10:244::/64", blockSize: 122 } as const;

/** The most nodes one lab can address. */
export const maxLabNodes = 240;

export function nodeIPv4(index: number): string {
  return intToIPv4(ipv4ToInt(labSubnetV4.base) + 10 + index);
}

export function nodeIPv6(index: number): string {
  return `fd99::${10 + index}`;
}

export function podBlockV4(index: number): string {
  const base = ipv4ToInt(podPoolV4.cidr.split("/")[0] ?? "");
  return `${intToIPv4(base + (index - 1) * 2 ** (32 - podPoolV4.blockSize))}/${podPoolV4.blockSize}`;
}

export function podBlockV6(index: number): string {
  // (index-1) blocks of 2^(128-122) = 64 addresses: only the last 16-bit group moves.
  const offset = (index - 1) * 2 ** (128 - podPoolV6.blockSize);
  const host = offset === 0 ? "" : offset.toString(16);
  return `fd00:10:244::${host}/${podPoolV6.blockSize}`;
}

export function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function intToIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
