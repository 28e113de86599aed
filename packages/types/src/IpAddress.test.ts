import { describe, expect, it } from "vitest";
import { parseCidrOrIp, parseIp } from "./IpAddress.js";

describe("parseIp (Go net.ParseIP, then IP.String())", () => {
  it.each([
    ["10.0.0.9", "10.0.0.9", 4],
    ["FD00:0:0:0::2", "fd00::2", 6],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 6],
    ["fd00:0:0:1:0:0:0:5", "fd00:0:0:1::5", 6],
    ["::", "::", 6],
    ["::a00:1", "::a00:1", 6],
    ["::ffff:10.0.0.1", "10.0.0.1", 4],
  ] as const)("prints %s as %s (IPv%d)", (text, ip, version) => {
    expect(parseIp(text)).toEqual({ ip, version });
  });

  it.each(["010.0.0.1", "node-a", "", "fe80::1%eth0", "[fd00::1]", "10.0.0.1/32"])(
    "rejects %j",
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe("parseCidrOrIp (libcalico-go ParseCIDROrIP)", () => {
  it("gives the address of a CIDR with its host bits, or a bare IP", () => {
    expect(parseCidrOrIp("10.0.0.5/24")).toEqual({ ip: "10.0.0.5", version: 4 });
    expect(parseCidrOrIp("fd00:0::5/64")).toEqual({ ip: "fd00::5", version: 6 });
    expect(parseCidrOrIp("10.0.0.5")).toEqual({ ip: "10.0.0.5", version: 4 });
  });

  it.each(["", "10.0.0.5/33", "10.0.0.5/", "10.0.0.05/24"])("rejects %j", (text) => {
    expect(parseCidrOrIp(text)).toBeUndefined();
  });
});
