import { describe, expect, it } from "vitest";
import { formatGoDuration, parseGoDuration } from "./GoDuration.js";

describe("parseGoDuration (Go's time.ParseDuration)", () => {
  it("accepts Go durations", () => {
    expect(parseGoDuration("0")).toBe(0);
    expect(parseGoDuration("120s")).toBe(120e9);
    expect(parseGoDuration("1h30m")).toBe(5400e9);
    expect(parseGoDuration("1m30s")).toBe(90e9);
    expect(parseGoDuration("1.5h")).toBe(5400e9);
    expect(parseGoDuration("1500ms")).toBe(1.5e9);
    expect(parseGoDuration("1.5s")).toBe(1.5e9);
    expect(parseGoDuration(".5ms")).toBe(0.5e6);
    expect(parseGoDuration("-3s")).toBe(-3e9);
    expect(parseGoDuration("10\u00b5s")).toBe(10e3);
    expect(parseGoDuration("10\u03bcs")).toBe(10e3);
  });

  it("rejects what Go rejects", () => {
    for (const text of [
      "",
      "10",
      "2 minutes",
      "1d",
      "s",
      ".s",
      "1.2.3s",
      "1h 30m",
      "+",
      "2562048h",
    ]) {
      expect(parseGoDuration(text), text).toBeUndefined();
    }
  });
});

describe("formatGoDuration (Go's time.Duration.String)", () => {
  it("writes what Go writes", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [1, "1ns"],
      [1100, "1.1\u00b5s"],
      [2.2e6, "2.2ms"],
      [3.3e9, "3.3s"],
      [245e9, "4m5s"],
      [245.001e9, "4m5.001s"],
      [18367.001e9, "5h6m7.001s"],
      [480e9 + 1, "8m0.000000001s"],
      [120e9, "2m0s"],
      [3600e9, "1h0m0s"],
      [-1, "-1ns"],
      [-3e9, "-3s"],
    ];
    for (const [nanoseconds, text] of cases) expect(formatGoDuration(nanoseconds)).toBe(text);
  });

  it("round-trips through parseGoDuration", () => {
    for (const text of ["2m0s", "1h0m0s", "1.5s", "250ms", "-4m5.001s"]) {
      expect(formatGoDuration(parseGoDuration(text) ?? Number.NaN)).toBe(text);
    }
  });
});
