import {
  formatGoIPv4,
  formatGoIPv6,
  type GoAddress,
  goAddressVersion,
  goNetworkContains,
  hostBitsClear,
  isGoIPv4,
  maskHostBits,
  parseGoAddress,
  parseGoCidr,
} from "../node/GoNet.js";

// The three CIDR parsers a Calico resource meets, all built on Go's own rules (GoNet):
// - libcalico-go: Go's net.ParseIP / net.ParseCIDR;
// - the CRD `format: cidr` check: Kubernetes' ParseCIDRSloppy (leading zeros allowed in octets);
// - the CRD CEL `cidr()` function: netip.ParsePrefix (no leading zeros in the prefix length),
//   and Kubernetes refuses IPv4-mapped IPv6 addresses there.

/** A parsed CIDR. `bytes` holds 16 bytes, IPv4 as ::ffff:a.b.c.d (as Go stores it). */
export interface Cidr {
  /** 4 when written as a dotted IPv4 address, else 6. */
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  /** Prefix length relative to the family's width (0-32 or 0-128). */
  readonly prefixLength: number;
}

function fromGo(text: string): Cidr | undefined {
  const parsed = parseGoCidr(text);
  if (parsed === undefined) return undefined;
  return {
    family: parsed.address.dotted ? 4 : 6,
    bytes: parsed.address.bytes,
    prefixLength: parsed.prefix,
  };
}

/** Go's net.ParseCIDR, as libcalico-go parses CIDRs. */
export function parseGoCidrText(text: string): Cidr | undefined {
  return fromGo(text);
}

// ParseCIDRSloppy reads each IPv4 octet as a decimal number, so "010" is 10.
const dottedPrefix = /^[0-9]+(\.[0-9]+){3}(?=\/)/;

/** True if the CRD `format: cidr` check (Kubernetes' ParseCIDRSloppy) accepts `text`. */
export function isKubernetesCidr(text: string): boolean {
  const dotted = dottedPrefix.exec(text);
  if (dotted === null) return fromGo(text) !== undefined;
  const octets = dotted[0].split(".").map((octet) => octet.replace(/^0+(?=[0-9])/, ""));
  return fromGo(octets.join(".") + text.slice(dotted[0].length)) !== undefined;
}

/** Kubernetes CEL `cidr(text)`; undefined where the CEL call would fail. */
export function parseCelCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash >= 0 && text.length - slash > 2 && text[slash + 1] === "0") return undefined;
  const cidr = fromGo(text);
  if (cidr === undefined || (cidr.family === 6 && isGoIPv4(cidr.bytes))) return undefined;
  return cidr;
}

// The family is how the address was written, so a Cidr is a Go address with its prefix.
function goAddress(cidr: Cidr): GoAddress {
  return { bytes: cidr.bytes, dotted: cidr.family === 4 };
}

/** True if no host bit is set below the prefix length. */
export function isMasked(cidr: Cidr): boolean {
  return hostBitsClear(goAddress(cidr), cidr.prefixLength);
}

/** CEL `network.containsIP(address)`: false when the families differ. */
export function cidrContains(network: Cidr, address: Cidr): boolean {
  if (network.family !== address.family) return false;
  return goNetworkContains(goAddress(network), network.prefixLength, goAddress(address));
}

/** Go's `IPNet.String()` of the masked network, e.g. "10.0.0.0/8" or "fd00::/64". */
export function formatMaskedCidr(cidr: Cidr): string {
  const masked = maskHostBits(goAddress(cidr), cidr.prefixLength);
  const address = cidr.family === 4 ? formatGoIPv4(masked) : formatGoIPv6(masked);
  return `${address}/${cidr.prefixLength}`;
}

/** libcalico-go's `IPNet.Version()`: an IPv4-mapped IPv6 network counts as 4, as Go's `To4()` says. */
export function goCidrVersion(cidr: Cidr): 4 | 6 {
  return cidr.family === 4 || isGoIPv4(cidr.bytes) ? 4 : 6;
}

/** libcalico-go's `net.IP.Version()` of an address text: IPv4-mapped IPv6 counts as 4; 0 if invalid. */
export function goIpVersion(text: string): 0 | 4 | 6 {
  const address = parseGoAddress(text);
  return address === undefined ? 0 : goAddressVersion(address);
}
