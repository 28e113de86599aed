// Address parsing with the exact acceptance rules of Go's `net` package (ParseIP, ParseCIDR,
// ParseMAC), which Calico's Kubernetes backend uses to decide whether a Node annotation is kept.
// Go differs from "usual" parsers in ways that matter here: no leading zeros in IPv4 octets,
// no zones, IPv4-mapped IPv6 addresses count as IPv4, and the prefix length may have leading zeros.

/** A parsed address: 16 bytes (IPv4 as ::ffff:a.b.c.d, as Go stores it) and how it was written. */
export interface GoAddress {
  readonly bytes: Uint8Array;
  /** True when written in dotted IPv4 syntax (Go's netip `Is4`), which selects a 32-bit prefix. */
  readonly dotted: boolean;
}

/** A parsed CIDR or bare IP, as libcalico-go's `ParseCIDROrIP` sees it. */
export interface GoCidrOrIp {
  /** The address as written (host bits kept), as `ParseCIDROrIP` returns it. */
  readonly address: GoAddress;
  /** 4 when Go's `To4()` succeeds (dotted IPv4 and IPv4-mapped IPv6), else 6. */
  readonly version: 4 | 6;
  /** True when no host bits are set below the prefix (always true for a bare IP). */
  readonly strictlyMasked: boolean;
}

const ipv4Text = /^(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}$/;

function parseDotted(text: string, into: Uint8Array, at: number): boolean {
  if (!ipv4Text.test(text)) return false;
  const parts = text.split(".").map(Number);
  if (parts.some((part) => part > 255)) return false;
  into.set(parts, at);
  return true;
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

// Mirrors netip.parseIPv6 (without zones: ParseIP and ParseCIDR reject zoned addresses).
function parseColon(input: string): Uint8Array | undefined {
  const bytes = new Uint8Array(16);
  let rest = input;
  let ellipsis = -1;
  if (rest.startsWith("::")) {
    ellipsis = 0;
    rest = rest.slice(2);
    if (rest === "") return bytes;
  }
  let filled = 0;
  while (filled < 16) {
    let digits = 0;
    while (digits < rest.length && isHexDigit(rest.charCodeAt(digits))) {
      digits++;
      if (digits > 4) return undefined;
    }
    if (digits === 0) return undefined;
    if (rest[digits] === ".") {
      if (ellipsis < 0 && filled !== 12) return undefined;
      if (filled + 4 > 16) return undefined;
      if (!parseDotted(rest, bytes, filled)) return undefined;
      rest = "";
      filled += 4;
      break;
    }
    const group = Number.parseInt(rest.slice(0, digits), 16);
    bytes[filled] = group >> 8;
    bytes[filled + 1] = group & 0xff;
    filled += 2;
    rest = rest.slice(digits);
    if (rest === "") break;
    if (rest[0] !== ":" || rest.length === 1) return undefined;
    rest = rest.slice(1);
    if (rest[0] === ":") {
      if (ellipsis >= 0) return undefined;
      ellipsis = filled;
      rest = rest.slice(1);
      if (rest === "") break;
    }
  }
  if (rest !== "") return undefined;
  if (filled < 16) {
    if (ellipsis < 0) return undefined;
    const shift = 16 - filled;
    bytes.copyWithin(ellipsis + shift, ellipsis, filled);
    bytes.fill(0, ellipsis, ellipsis + shift);
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return bytes;
}

/** Go's `net.ParseIP` (via `netip.ParseAddr`): undefined when Go would return nil. */
export function parseGoAddress(text: string): GoAddress | undefined {
  // netip.ParseAddr dispatches on the first '.', ':' or '%' it meets.
  const first = text.search(/[.:%]/);
  if (first < 0 || text[first] === "%" || text.includes("%")) return undefined;
  if (text[first] === ".") {
    const bytes = new Uint8Array(16);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    return parseDotted(text, bytes, 12) ? { bytes, dotted: true } : undefined;
  }
  const bytes = parseColon(text);
  return bytes === undefined ? undefined : { bytes, dotted: false };
}

/** Go's `IP.To4() != nil`: the first 10 bytes are zero and bytes 10-11 are 0xff. */
export function isGoIPv4(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** libcalico-go's `IP.Version()`: 4 when Go's `To4()` succeeds (IPv4-mapped IPv6 too), else 6. */
export function goAddressVersion(address: GoAddress): 4 | 6 {
  return isGoIPv4(address.bytes) ? 4 : 6;
}

/**
 * The address with every bit below the prefix cleared (Go's `IP.Mask`). The prefix counts from
 * the start of the family's width: the last 4 bytes for dotted IPv4, all 16 otherwise.
 */
export function maskHostBits(address: GoAddress, prefix: number): Uint8Array {
  const masked = Uint8Array.from(address.bytes);
  for (let bit = (address.dotted ? 96 : 0) + prefix; bit < 128; bit++) {
    masked[bit >> 3] = (masked[bit >> 3] ?? 0) & ~(0x80 >> (bit & 7));
  }
  return masked;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** True when no host bit is set below the prefix (the address is the network itself). */
export function hostBitsClear(address: GoAddress, prefix: number): boolean {
  return sameBytes(maskHostBits(address, prefix), address.bytes);
}

/** Go's `IPNet.Contains` for a network and an address written in the same family. */
export function goNetworkContains(network: GoAddress, prefix: number, address: GoAddress): boolean {
  return sameBytes(maskHostBits(network, prefix), maskHostBits(address, prefix));
}

/** Go's `net.ParseCIDR`: address, then `/`, then a decimal prefix (leading zeros allowed). */
export function parseGoCidr(text: string): { address: GoAddress; prefix: number } | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseGoAddress(text.slice(0, slash));
  const mask = text.slice(slash + 1);
  if (address === undefined || !/^[0-9]+$/.test(mask)) return undefined;
  const prefix = Number.parseInt(mask, 10);
  return prefix <= (address.dotted ? 32 : 128) ? { address, prefix } : undefined;
}

/** libcalico-go `net.ParseCIDROrIP`: a CIDR, else a bare IP (a fully masked network). */
export function parseGoCidrOrIp(text: string): GoCidrOrIp | undefined {
  const cidr = parseGoCidr(text);
  if (cidr !== undefined) {
    return {
      address: cidr.address,
      version: goAddressVersion(cidr.address),
      strictlyMasked: hostBitsClear(cidr.address, cidr.prefix),
    };
  }
  const address = parseGoAddress(text);
  if (address === undefined) return undefined;
  return { address, version: goAddressVersion(address), strictlyMasked: true };
}

/** Dotted text of an IPv4 address held as 16 bytes (Go's `IP.String()` for `To4()` addresses). */
export function formatGoIPv4(bytes: Uint8Array): string {
  // A template, not Array.from(...).join: this runs on validateResource's hot path (peerIP).
  return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
}

/**
 * IPv6 text as Go prints it (RFC 5952): lower-case hex, the longest run (first on ties) of two or
 * more zero groups as "::".
 */
export function formatGoIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (part: number[]) => part.map((group) => group.toString(16)).join(":");
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** Go's `net.IP.String()`: dotted when `To4()` succeeds (IPv4-mapped IPv6 too), else IPv6 text. */
export function formatGoAddress(bytes: Uint8Array): string {
  return isGoIPv4(bytes) ? formatGoIPv4(bytes) : formatGoIPv6(bytes);
}

const macColon = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}(?:(?::[0-9a-f]{2}){2}|(?::[0-9a-f]{2}){14})?$/i;
const macDash = /^[0-9a-f]{2}(?:-[0-9a-f]{2}){5}(?:(?:-[0-9a-f]{2}){2}|(?:-[0-9a-f]{2}){14})?$/i;
const macDot = /^[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}(?:\.[0-9a-f]{4}|(?:\.[0-9a-f]{4}){7})?$/i;

/** Go's `net.ParseMAC`: 6, 8 or 20 bytes as `aa:bb:..`, `aa-bb-..` or `aabb.ccdd.eeff`. */
export function isGoMac(text: string): boolean {
  return macColon.test(text) || macDash.test(text) || macDot.test(text);
}
