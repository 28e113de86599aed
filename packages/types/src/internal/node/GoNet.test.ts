import { describe, expect, it } from "vitest";
import { isGoMac, parseGoAddress, parseGoCidr, parseGoCidrOrIp } from "./GoNet.js";

describe("parseGoAddress (Go net.ParseIP)", () => {
  it.each([
    "10.0.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "::",
    "::1",
    "fd00::5",
    "2001:db8:0:0:0:0:0:1",
    "FD00::A",
    "::ffff:10.0.0.1",
    "1:2:3:4:5:6:1.2.3.4",
    "1::1.2.3.4",
    "1:2:3:4:5:6:7:8",
    "1::",
  ])("accepts %s", (text) => {
    expect(parseGoAddress(text)).toBeDefined();
  });

  it.each([
    "",
    "010.0.0.1",
    "256.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "1..2.3",
    "fe80::1%eth0",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7:8::",
    "12345::",
    "1:::2",
    "1::2::3",
    ":1::",
    "1:2:3:4:5:1.2.3.4",
    "::1.2.3.4.5",
    " 10.0.0.1",
    "abc",
    "1.2.3.4/32",
  ])("rejects %j", (text) => {
    expect(parseGoAddress(text)).toBeUndefined();
  });

  it("stores IPv6 bytes with the :: expanded in place", () => {
    expect(Array.from(parseGoAddress("1::2")?.bytes ?? [])).toEqual([
      0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
    ]);
  });
});

describe("parseGoCidr / parseGoCidrOrIp (libcalico-go ParseCIDROrIP)", () => {
  it("accepts leading zeros in the prefix length, as Go's dtoi does", () => {
    expect(parseGoCidr("10.0.0.0/024")?.prefix).toBe(24);
  });

  it.each(["10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/+8", "/8", "10.0.0.0/8/8"])(
    "rejects %j",
    (text) => {
      expect(parseGoCidr(text)).toBeUndefined();
    },
  );

  it.each([
    ["10.0.0.5", 4, true],
    ["10.0.0.5/24", 4, false],
    ["10.0.0.0/24", 4, true],
    ["0.0.0.0/0", 4, true],
    ["fd00::5", 6, true],
    ["fd00::5/64", 6, false],
    ["fd00::/64", 6, true],
    ["::ffff:10.0.0.1", 4, true],
    ["::ffff:10.0.0.0/120", 4, true],
    ["::ffff:10.0.0.1/120", 4, false],
  ] as const)("%s is IPv%d, strictly masked: %s", (text, version, strictlyMasked) => {
    expect(parseGoCidrOrIp(text)).toMatchObject({ version, strictlyMasked });
  });
});

describe("isGoMac (Go net.ParseMAC)", () => {
  it.each([
    "00:00:5e:00:53:01",
    "00-00-5E-00-53-01",
    "0000.5e00.5301",
    "02:00:5e:10:00:00:00:01",
    "0200.5e10.0000.0001",
    "00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01",
  ])("accepts %s", (text) => {
    expect(isGoMac(text)).toBe(true);
  });

  it.each([
    "00:00:5e:00:53",
    "00:00:5e-00:53:01",
    "0:0:5e:0:53:1",
    "00005e005301",
    "zz:00:5e:00:53:01",
  ])("rejects %s", (text) => {
    expect(isGoMac(text)).toBe(false);
  });
});
