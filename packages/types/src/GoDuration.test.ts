import { describe, expect, it } from "vitest";
import { parseGoDuration } from "./GoDuration.js";

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
