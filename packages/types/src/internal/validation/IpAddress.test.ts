import { describe, expect, it } from "vitest";
import {
  cidrContains,
  formatMaskedCidr,
  goIpVersion,
  isKubernetesCidr,
  isMasked,
  parseCelCidr,
  parseGoCidrText,
} from "./IpAddress.js";

describe("CIDR parsers", () => {
  it("CRD format: cidr accepts leading zeros in octets (ParseCIDRSloppy), Go and CEL do not", () => {
    expect(isKubernetesCidr("010.1.0.0/16")).toBe(true);
    expect(parseGoCidrText("010.1.0.0/16")).toBeUndefined();
    expect(parseCelCidr("010.1.0.0/16")).toBeUndefined();
  });

  it("CEL cidr() rejects a prefix with leading zeros and IPv4-mapped IPv6", () => {
    expect(parseGoCidrText("10.0.0.0/08")).toBeDefined();
    expect(parseCelCidr("10.0.0.0/08")).toBeUndefined();
    expect(parseCelCidr("::ffff:10.0.0.0/104")).toBeUndefined();
  });

  it("rejects bare IPs, bad prefixes and zones", () => {
    for (const text of ["10.0.0.0", "10.0.0.0/33", "fd00::/129", "fe80::1%eth0/64", "10.0.0.0/"]) {
      expect(isKubernetesCidr(text), text).toBe(false);
    }
  });

  it("masks, contains and formats like Go", () => {
    const cidr = parseCelCidr("fd00:0:0:1::5/64");
    expect(cidr && isMasked(cidr)).toBe(false);
    expect(cidr && formatMaskedCidr(cidr)).toBe("fd00:0:0:1::/64");
    const network = parseCelCidr("169.254.0.0/16");
    const inside = parseCelCidr("169.254.3.0/24");
    expect(network && inside && cidrContains(network, inside)).toBe(true);
    expect(network && inside && cidrContains(inside, network)).toBe(false);
  });

  it("reports Go's IP version (IPv4-mapped IPv6 counts as 4)", () => {
    expect(goIpVersion("10.0.0.1")).toBe(4);
    expect(goIpVersion("::ffff:10.0.0.1")).toBe(4);
    expect(goIpVersion("fd00::1")).toBe(6);
    expect(goIpVersion("10.0.0.01")).toBe(0);
  });
});
