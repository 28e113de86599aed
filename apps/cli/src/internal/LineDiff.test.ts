import { describe, expect, it } from "vitest";
import { lineDiff } from "./LineDiff.js";

describe("lineDiff", () => {
  it("shows removed lines before added ones, with context and elisions", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n");
    const after = ["a", "b", "c", "D", "e", "f", "g", "h"].join("\n");
    expect(lineDiff(before, after, 1)).toEqual(["  ...", "  c", "- d", "+ D", "  e", "  ..."]);
  });

  it("is empty of changes for equal texts", () => {
    expect(lineDiff("x\ny", "x\ny").every((l) => !l.startsWith("+") && !l.startsWith("-"))).toBe(
      true,
    );
  });
});
