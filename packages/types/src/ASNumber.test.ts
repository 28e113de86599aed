import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatASNumber, parseASNumber } from "./ASNumber.js";

function message(input: string | number): string {
  const result = parseASNumber(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.message;
}

describe("parseASNumber", () => {
  // Calico's numorstring tests (§2.3) plus the e2e asdot value.
  it.each([
    [0, 0],
    [4294967295, 4294967295],
    ["0", 0],
    ["4294967295", 4294967295],
    ["1.10", 65546],
    ["00.00", 0],
    ["00.01", 1],
    ["65535.65535", 4294967295],
    ["4294.566", 4294 * 65536 + 566],
    [64512, 64512],
    ["64512", 64512],
    ["0064512", 64512],
    [-0, 0],
  ])("accepts %j as %i", (input, value) => {
    const result = parseASNumber(input);
    expect(result).toMatchObject({ ok: true, value });
    expect(Object.is(result.ok && result.value, -0)).toBe(false);
  });

  it("accepts values up to 2147483647 without a warning", () => {
    expect(parseASNumber(2147483647)).toEqual({ ok: true, value: 2147483647 });
    expect(parseASNumber("32767.65535")).toEqual({ ok: true, value: 2147483647 });
  });

  it.each([2147483648, "2147483648", "32768.0", 4200000000, "65535.65535"])(
    "warns that %j does not fit the int32 CRD fields",
    (input) => {
      const result = parseASNumber(input);
      if (!result.ok) throw new Error(result.message);
      expect(result.warning).toContain("above 2147483647");
      expect(result.warning).toContain('"type: integer, format: int32"');
      expect(result.warning).toContain("must be of type integer with format int32");
      expect(result.warning).toContain("Use an AS number up to 2147483647");
    },
  );

  it.each([
    ["1.1.1", "has more than one dot; asdot is <high>.<low>"],
    ["65536.65535", "the high part 65536 is above 65535"],
    ["65535.65536", "the low part 65536 is above 65535"],
    ["0.-1", 'AS number "0.-1" is not a number'],
    [-1, "AS number -1 is negative"],
    [4294967296, "AS number 4294967296 is above 4294967295"],
    ["4294967296", "AS number 4294967296 is above 4294967295"],
    ["99999999999999999999999", "is above 4294967295"],
    ["", "AS number is empty"],
    [" 64512", 'AS number " 64512" contains whitespace; remove it.'],
    ["64512\n", "contains whitespace"],
    ["+64512", "has a sign; Calico accepts digits only"],
    ["-1", "has a sign"],
    ["0x10", 'AS number "0x10" is not a number'],
    ["1e3", "is not a number"],
    ["AS64512", "is not a number"],
    [".5", "is not a number"],
    ["1.", "is not a number"],
    [1.1, 'For asdot notation pass a string such as "1.10"'],
    [Number.NaN, "AS number NaN is not a number"],
    [Number.POSITIVE_INFINITY, "is not a number"],
  ])("rejects %j: %s", (input, expected) => {
    const text = message(input);
    expect(text).toContain(expected);
  });

  it("says what is accepted in messages about the format", () => {
    for (const input of ["abc", -5, 4294967296, "+1", ""]) {
      expect(message(input)).toContain(
        "Write a whole number from 0 to 4294967295 (e.g. 64512) or asdot <high>.<low>",
      );
    }
  });

  it("parses every uint32 in both notations to the same value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4294967295 }), (n) => {
        expect(parseASNumber(n)).toMatchObject({ ok: true, value: n });
        expect(parseASNumber(String(n))).toMatchObject({ ok: true, value: n });
        expect(parseASNumber(formatASNumber(n, "asdot"))).toMatchObject({ ok: true, value: n });
        expect(parseASNumber(`${Math.floor(n / 65536)}.${n % 65536}`)).toMatchObject({
          ok: true,
          value: n,
        });
      }),
    );
  });

  it("returns a result, never throws, for arbitrary input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer()), (input) => {
        const result = parseASNumber(input);
        if (result.ok) {
          expect(Number.isInteger(result.value)).toBe(true);
          expect(result.value).toBeGreaterThanOrEqual(0);
          expect(result.value).toBeLessThanOrEqual(4294967295);
        } else {
          expect(result.message).toMatch(/^(AS number|asdot AS number)/);
        }
      }),
    );
  });
});

describe("formatASNumber", () => {
  it.each([
    [0, "plain", "0"],
    [65546, "plain", "65546"],
    [4294967295, "plain", "4294967295"],
    [65546, "asdot", "1.10"],
    [65536, "asdot", "1.0"],
    [65535, "asdot", "65535"],
    [64512, "asdot", "64512"],
    [4294967295, "asdot", "65535.65535"],
    [4200000000, "asdot", "64086.59904"],
  ] as const)("writes %i as %s: %s", (n, notation, expected) => {
    expect(formatASNumber(n, notation)).toBe(expected);
  });

  it("defaults to plain", () => {
    expect(formatASNumber(65546)).toBe("65546");
  });

  it.each([-1, 4294967296, 1.5, Number.NaN])("rejects %d with a RangeError", (n) => {
    expect(() => formatASNumber(n, "plain")).toThrow(RangeError);
    expect(() => formatASNumber(n, "plain")).toThrow("is not an AS number");
  });
});
