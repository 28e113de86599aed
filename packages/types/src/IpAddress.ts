import {
  formatGoAddress,
  type GoAddress,
  goAddressVersion,
  parseGoAddress,
  parseGoCidrOrIp,
} from "./internal/node/GoNet.js";

// Calico compares IPs as the strings Go prints (peer keys, node IPs, BIRD protocol names), so
// an IP read from a resource goes through Go's parser and printer before any comparison.

/** An IP address as Calico's Go code parses, prints and classifies it. */
export interface IpAddress {
  /**
   * Go's `net.IP.String()`: dotted IPv4 (IPv4-mapped IPv6 too), IPv6 in RFC 5952 form (lower
   * case, longest zero run as `::`). Equal addresses always have equal text.
   */
  readonly ip: string;
  /** libcalico-go's `IP.Version()`: 4 for dotted and IPv4-mapped addresses, else 6. */
  readonly version: 4 | 6;
}

function ipAddress(address: GoAddress): IpAddress {
  return { ip: formatGoAddress(address.bytes), version: goAddressVersion(address) };
}

/**
 * Parses an IP address as Go's `net.ParseIP` does (no leading zeros in IPv4 octets, no zones, no
 * brackets); undefined where Go returns nil.
 * @example
 * ```ts
 * parseIp("FD00:0:0:0::2"); // { ip: "fd00::2", version: 6 }
 * parseIp("::ffff:10.0.0.1"); // { ip: "10.0.0.1", version: 4 }
 * parseIp("010.0.0.1"); // undefined
 * ```
 */
export function parseIp(text: string): IpAddress | undefined {
  const address = parseGoAddress(text);
  return address === undefined ? undefined : ipAddress(address);
}

/**
 * The address of a CIDR or bare IP, as libcalico-go's `ParseCIDROrIP` returns it (host bits kept,
 * so `10.0.0.5/24` gives `10.0.0.5`). Calico Node addresses (`spec.bgp.ipv4Address`) have this
 * form. Undefined when the text is neither.
 * @example
 * ```ts
 * parseCidrOrIp("10.0.0.5/24"); // { ip: "10.0.0.5", version: 4 }
 * parseCidrOrIp("10.0.0.5/33"); // undefined: the prefix is too long
 * ```
 */
export function parseCidrOrIp(text: string): IpAddress | undefined {
  const parsed = parseGoCidrOrIp(text);
  return parsed === undefined ? undefined : ipAddress(parsed.address);
}
