import { describe, expect, it } from "vitest";
import { labelSelectorPredicate } from "./LabelSelector.js";

describe("labelSelectorPredicate", () => {
  const labels = { app: "calicokit", tier: "net", zone: "a" };
  it.each([
    ["app=calicokit", true],
    ["app==calicokit,tier=net", true],
    ["app!=calicokit", false],
    ["zone in (a, b)", true],
    ["zone notin (a,b)", false],
    ["tier,!missing", true],
    ["missing", false],
    ["", true],
  ])("%s -> %s", (selector, expected) => {
    expect(labelSelectorPredicate(selector)(labels)).toBe(expected);
  });
  it("rejects what it cannot parse", () => {
    expect(() => labelSelectorPredicate("a in b")).toThrow(/cannot parse/);
  });
});
