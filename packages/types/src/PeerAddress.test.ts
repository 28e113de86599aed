import { describe, expect, it } from "vitest";
import { parsePeerAddress } from "./PeerAddress.js";

describe("parsePeerAddress (libcalico-go processIPPort forms)", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1", 4, undefined],
    ["10.0.0.1:1790", "10.0.0.1", 4, 1790],
    ["192.168.1.1:500", "192.168.1.1", 4, 500],
    ["[fd00::1]:1790", "fd00::1", 6, 1790],
    ["[9000::]:500", "9000::", 6, 500],
    ["[AABB::FFFF]:4444", "aabb::ffff", 6, 4444],
    ["fd00::1", "fd00::1", 6, undefined],
    ["aabb:aabb::ffff", "aabb:aabb::ffff", 6, undefined],
    ["::ffff:10.0.0.1", "10.0.0.1", 4, undefined],
    ["[10.0.0.1]:179", "10.0.0.1", 4, 179],
    ["10.0.0.1:0", "10.0.0.1", 4, 0],
  ] as const)("splits %s into %s (IPv%d), port %s", (text, ip, version, port) => {
    expect(parsePeerAddress(text)).toEqual({ ok: true, ip, version, port });
  });

  it.each([
    ["10.0.0.1:http", "it is neither an IP address nor IP:port"],
    ["10.0.0.1:70000", "the port must be at most 65535"],
    ["[9000::]:65536", "the port must be at most 65535"],
    ["192.168.0.330:170", '"192.168.0.330" is not an IP address'],
    ["[9000::FFFFF]:170", '"9000::FFFFF" is not an IP address'],
    ["192.168.0.0:", "it is neither an IP address nor IP:port"],
    ["[9000::]:", "it is neither an IP address nor IP:port"],
    [":8552", "it is neither an IP address nor IP:port"],
    ["[]:8552", "it is neither an IP address nor IP:port"],
    ["[fd00::1]", "it is neither an IP address nor IP:port"],
    ["999.999.999.999", "it is neither an IP address nor IP:port"],
    ["xyz:::", "it is neither an IP address nor IP:port"],
    ["fe80::1%eth0", "it is neither an IP address nor IP:port"],
  ])("rejects %s: %s", (text, reason) => {
    expect(parsePeerAddress(text)).toEqual({ ok: false, reason });
  });
});
