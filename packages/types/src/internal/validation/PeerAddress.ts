import { goIpVersion } from "./IpAddress.js";

// libcalico-go's `IP:port` validator (validator.go processIPPort). Its IPv4 form is the regex
// ^(\d+).(\d+).(\d+).(\d+):(\d+)$ with unescaped dots, so any character may separate the digit
// groups; the host part must still parse as an IP afterwards, so the quirk changes no outcome.
const ipv4WithPort = /^(\d+).(\d+).(\d+).(\d+):(\d+)$/;
const ipv6WithPort = /^\[[0-9a-fA-F:.]+\]:(\d+)$/;

/** Result of parsing a BGPPeer `peerIP`. `version` is Go's net.IP.Version() (mapped IPv6 is 4). */
export type PeerAddress =
  | { readonly ok: true; readonly version: 4 | 6 }
  | { readonly ok: false; readonly reason: string };

// Shared results: the hot path (a valid peerIP) allocates no result object.
const valid4: PeerAddress = { ok: true, version: 4 };
const valid6: PeerAddress = { ok: true, version: 6 };

function checkHostAndPort(host: string, text: string, portFrom: number): PeerAddress {
  const version = goIpVersion(host);
  if (version === 0) return { ok: false, reason: `${JSON.stringify(host)} is not an IP address` };
  // strconv.ParseUint(port, 10, 16), then port >= 1.
  let port = 0;
  for (let i = portFrom; i < text.length; i++) {
    port = port * 10 + (text.charCodeAt(i) - 48);
    if (port > 65535) return { ok: false, reason: "the port must be at most 65535" };
  }
  if (port === 0) return { ok: false, reason: "the port must be at least 1" };
  return version === 4 ? valid4 : valid6;
}

/** Parses a peerIP as `IP`, `IPv4:port` or `[IPv6]:port`, exactly as libcalico-go accepts it. */
export function parsePeerAddress(text: string): PeerAddress {
  if (ipv4WithPort.test(text)) {
    const colon = text.lastIndexOf(":");
    return checkHostAndPort(text.slice(0, colon), text, colon + 1);
  }
  if (ipv6WithPort.test(text)) {
    const close = text.lastIndexOf("]");
    return checkHostAndPort(text.slice(1, close), text, close + 2);
  }
  const version = goIpVersion(text);
  if (version === 0) return { ok: false, reason: "it is neither an IP address nor IP:port" };
  return version === 4 ? valid4 : valid6;
}
