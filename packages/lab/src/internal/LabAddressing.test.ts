import { describe, expect, test } from "vitest";
import { maxLabNodes, nodeIPv4, nodeIPv6, podBlockV4, podBlockV6 } from "./LabAddressing.js";

describe("lab address plan", () => {
  test("node addresses repeat the index in the last digits", () => {
    expect([nodeIPv4(1), nodeIPv4(4), nodeIPv4(maxLabNodes)]).toEqual([
      "10.99.0.11",
      "10.99.0.14",
      "10.99.0.250",
    ]);
    expect([nodeIPv6(1), nodeIPv6(4)]).toEqual(["fd99::11", "fd99::14"]);
  });

  test("node i owns the (i-1)-th /26 and /122 block of the default pools", () => {
    expect([podBlockV4(1), podBlockV4(2), podBlockV4(5)]).toEqual([
      "192.168.0.0/26",
      "192.168.0.64/26",
      "192.168.1.0/26",
    ]);
    expect([podBlockV6(1), podBlockV6(2), podBlockV6(5)]).toEqual([
      "fd00:10:244::/122",
      "fd00:10:244::40/122",
      "fd00:10:244::100/122",
    ]);
  });
});
