import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMergePatch, containsFields, deepEqual, diffMergePatch } from "./MergePatch.js";

describe("merge patches", () => {
  it("applies RFC 7386 examples", () => {
    expect(applyMergePatch({ a: "b", c: { d: "e", f: "g" } }, { a: "z", c: { f: null } })).toEqual({
      a: "z",
      c: { d: "e" },
    });
    expect(applyMergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(applyMergePatch("x", { a: 1 })).toEqual({ a: 1 });
  });

  it("diff is the inverse of apply", () => {
    const json = fc.dictionary(
      fc.string({ maxLength: 3 }),
      fc.oneof(fc.integer(), fc.string(), fc.dictionary(fc.string({ maxLength: 2 }), fc.integer())),
    );
    fc.assert(
      fc.property(json, json, (a, b) => {
        const patch = diffMergePatch(a, b);
        expect(patch === undefined ? a : applyMergePatch(a, patch)).toEqual(b);
      }),
    );
  });

  it("compares and finds contained fields", () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(containsFields({ spec: { a: 1, d: "default" }, status: {} }, { spec: { a: 1 } })).toBe(
      true,
    );
    expect(containsFields({ spec: { a: 2 } }, { spec: { a: 1 } })).toBe(false);
  });
});
