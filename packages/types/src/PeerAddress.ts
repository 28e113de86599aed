import { formatGoAddress, goAddressVersion, parseGoAddress } from "./internal/node/GoNet.js";

// libcalico-go's `IP:port` validator (validator.go processIPPort). Its IPv4 form is the regex
// ^(\d+).(\d+).(\d+).(\d+):(\d+)$ with unescaped dots, so any character may separate the digit
// groups; the host part must still parse as an IP afterwards, so the quirk changes no outcome.
const ipv4WithPort = /^(\d+).(\d+).(\d+).(\d+):(\d+)$/;
const ipv6WithPort = /^\[[0-9a-fA-F:.]+\]:(\d+)$/;

/**
 * A BGPPeer `peerIP` split into its IP and port.
 *
 * On success, `ip` is the address as Go prints it (as `parseIp` does), `version` is Go's
 * `IP.Version()` (IPv4-mapped IPv6 counts as 4) and `port` is undefined when none is written.
 * A written port of 0 is returned as 0: libcalico-go's validator refuses it (validateResource
 * reports "the port must be at least 1"), while calico-node's confd reads it as no port.
 */
export type PeerAddress =
  | {
      readonly ok: true;
      readonly ip: string;
      readonly version: 4 | 6;
      readonly port: number | undefined;
    }
  | { readonly ok: false; readonly reason: string };

function parsed(host: string, port: number | undefined, hostInReason: boolean): PeerAddress {
  const address = parseGoAddress(host);
  if (address === undefined) {
    return {
      ok: false,
      reason: hostInReason
        ? `${JSON.stringify(host)} is not an IP address`
        : "it is neither an IP address nor IP:port",
    };
  }
  if (port !== undefined && port > 65535) {
    return { ok: false, reason: "the port must be at most 65535" };
  }
  return { ok: true, ip: formatGoAddress(address.bytes), version: goAddressVersion(address), port };
}

/**
 * Parses a BGPPeer `peerIP` written as `IP`, `IPv4:port` or `[IPv6]:port`, with the forms and the
 * host and port checks of libcalico-go's validator (a port is decimal and at most 65535).
 * @example
 * ```ts
 * parsePeerAddress("[FD00::1]:1790"); // { ok: true, ip: "fd00::1", version: 6, port: 1790 }
 * parsePeerAddress("10.0.0.1"); // { ok: true, ip: "10.0.0.1", version: 4, port: undefined }
 * parsePeerAddress("10.0.0.1:http").ok; // false
 * ```
 */
export function parsePeerAddress(text: string): PeerAddress {
  if (ipv4WithPort.test(text)) {
    const colon = text.lastIndexOf(":");
    return parsed(text.slice(0, colon), Number(text.slice(colon + 1)), true);
  }
  if (ipv6WithPort.test(text)) {
    const close = text.lastIndexOf("]");
    return parsed(text.slice(1, close), Number(text.slice(close + 2)), true);
  }
  return parsed(text, undefined, false);
}
