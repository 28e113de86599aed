import { describe, expect, it } from "vitest";
import { durationField } from "./PeeringExpansion.js";

describe("durationField", () => {
  it("reads Go durations as whole seconds, rounding half away from zero like confd", () => {
    const warnings: string[] = [];
    expect(durationField("120s", "f", warnings)).toBe(120);
    expect(durationField("1m30s", "f", warnings)).toBe(90);
    expect(durationField("1500ms", "f", warnings)).toBe(2);
    expect(durationField("400ms", "f", warnings)).toBe(0);
    expect(durationField("-1500ms", "f", warnings)).toBe(-2);
    expect(durationField("-400ms", "f", warnings)).toBe(0);
    expect(durationField("0", "f", warnings)).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("treats unset as unset and reports text that is not a Go duration", () => {
    const warnings: string[] = [];
    expect(durationField(undefined, "spec.keepaliveTime", warnings)).toBeUndefined();
    expect(durationField("", "spec.keepaliveTime", warnings)).toBeUndefined();
    expect(durationField("120", "spec.keepaliveTime", warnings)).toBeUndefined();
    expect(warnings).toEqual([
      'spec.keepaliveTime "120" is not a Go duration (e.g. "120s"); ignored.',
    ]);
  });
});
