import { describe, expect, it } from "vitest";
import { ipForProtocolName, splitPeerIp } from "./IpAddress.js";

describe("splitPeerIp", () => {
  it("splits ip:port and [ipv6]:port like net.SplitHostPort", () => {
    expect(splitPeerIp("10.0.0.1")).toEqual({ host: "10.0.0.1", port: 0 });
    expect(splitPeerIp("10.0.0.1:1790")).toEqual({ host: "10.0.0.1", port: 1790 });
    expect(splitPeerIp("[fd00::1]:1790")).toEqual({ host: "fd00::1", port: 1790 });
    expect(splitPeerIp("fd00::1")).toEqual({ host: "fd00::1", port: 0 });
  });

  it("treats an unparsable port as no port, keeping the whole text as host", () => {
    expect(splitPeerIp("10.0.0.1:http")).toEqual({ host: "10.0.0.1:http", port: 0 });
    expect(splitPeerIp("10.0.0.1:70000")).toEqual({ host: "10.0.0.1:70000", port: 0 });
  });
});

describe("ipForProtocolName", () => {
  it("replaces dots and colons with underscores", () => {
    expect(ipForProtocolName("10.0.0.1")).toBe("10_0_0_1");
    expect(ipForProtocolName("fd80:24e2:f998:72d7::2")).toBe("fd80_24e2_f998_72d7__2");
  });
});
