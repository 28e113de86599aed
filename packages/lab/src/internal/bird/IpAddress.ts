/** An IP address family, as BIRD 1.6 splits them: `bird` for 4, `bird6` for 6. */
export type IpFamily = 4 | 6;

/**
 * Splits a BGPPeer `peerIP` (`ip`, `ipv4:port` or `[ipv6]:port`) like Go's
 * `net.SplitHostPort`, as confd's `parseIPPort` does: no port, or an unparsable one, gives port 0
 * and the whole text as host.
 * @example
 * ```ts
 * splitPeerIp("[fd00::1]:1790"); // { host: "fd00::1", port: 1790 }
 * ```
 */
export function splitPeerIp(peerIP: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]*)\]:(\d+)$/.exec(peerIP);
  if (bracketed?.[1] !== undefined && bracketed[2] !== undefined) {
    return portOrWhole(peerIP, bracketed[1], bracketed[2]);
  }
  const colon = peerIP.lastIndexOf(":");
  // A bare IPv6 has several colons and no brackets: no port.
  if (colon === -1 || peerIP.indexOf(":") !== colon) return { host: peerIP, port: 0 };
  return portOrWhole(peerIP, peerIP.slice(0, colon), peerIP.slice(colon + 1));
}

function portOrWhole(
  whole: string,
  host: string,
  portText: string,
): { host: string; port: number } {
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) return { host: whole, port: 0 };
  return { host, port };
}

/**
 * The IP as it appears in a BIRD protocol name: `.` and `:` become `_`.
 * @example
 * ```ts
 * ipForProtocolName("10.0.0.1"); // "10_0_0_1"
 * ```
 */
export function ipForProtocolName(ip: string): string {
  return ip.replaceAll(".", "_").replaceAll(":", "_");
}
