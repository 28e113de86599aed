/**
 * The result of `parseASNumber`: the plain AS number, or a message that names the problem and
 * the fix. `warning` is set when the value is valid for Calico but current CRDs may refuse it.
 *
 * @example
 * ```ts
 * const issues: { path: string; message: string }[] = [];
 * const parsed: ASNumberParse = parseASNumber("1.10");
 * if (!parsed.ok) issues.push({ path: "spec.asNumber", message: parsed.message });
 * ```
 */
export type ASNumberParse =
  | { readonly ok: true; readonly value: number; readonly warning?: string }
  | { readonly ok: false; readonly message: string };

/**
 * How `formatASNumber` writes a number: plain decimal, or asdot (RFC 5396).
 *
 * @example
 * ```ts
 * const notation: ASNumberNotation = "asdot";
 * formatASNumber(65546, notation); // "1.10"
 * ```
 */
export type ASNumberNotation = "plain" | "asdot";

/** AS numbers are unsigned 32-bit (Calico's `numorstring.ASNumber` is a uint32). */
const maxASNumber = 4_294_967_295;
/** The largest value a `format: int32` CRD field holds. */
const maxInt32ASNumber = 2_147_483_647;
const maxAsdotPart = 65_535;

const accepted =
  "Write a whole number from 0 to 4294967295 (e.g. 64512) or asdot <high>.<low> with each part from 0 to 65535 (e.g. 1.10 = 65546).";

/**
 * Parses an AS number the way Calico reads one (`numorstring.ASNumber`): a whole number, a
 * decimal string, or an asdot string `"<high>.<low>"` (value = high × 65536 + low), in the range
 * 0..4294967295. Strings must be digits only: Calico accepts no signs, spaces or hex.
 *
 * Values above 2147483647 are accepted with a warning: the CRDs of current Calico releases
 * declare every AS number field as `type: integer, format: int32`.
 *
 * @example
 * ```ts
 * parseASNumber(64512);        // { ok: true, value: 64512 }
 * parseASNumber("1.10");       // { ok: true, value: 65546 }
 * parseASNumber("4200000000"); // { ok: true, value: 4200000000, warning: "... int32 ..." }
 * parseASNumber("65536.1");    // { ok: false, message: "... high part 65536 is above 65535 ..." }
 * ```
 */
export function parseASNumber(input: string | number): ASNumberParse {
  const parsed = typeof input === "number" ? fromNumber(input) : fromString(input);
  if (!parsed.ok || parsed.value <= maxInt32ASNumber) return parsed;
  return { ok: true, value: parsed.value, warning: int32Warning(parsed.value) };
}

function fromNumber(n: number): ASNumberParse {
  if (!Number.isFinite(n)) return invalid(`AS number ${n} is not a number. ${accepted}`);
  if (!Number.isInteger(n)) {
    return invalid(
      `AS number ${n} is not a whole number. For asdot notation pass a string such as "1.10": as a YAML or JSON number, 1.10 reads as 1.1.`,
    );
  }
  if (n < 0) return invalid(`AS number ${n} is negative. ${accepted}`);
  if (n > maxASNumber) return invalid(outOfRange(String(n)));
  return { ok: true, value: n === 0 ? 0 : n }; // normalises -0
}

function fromString(s: string): ASNumberParse {
  const shown = JSON.stringify(s);
  if (s === "") return invalid(`AS number is empty. ${accepted}`);
  if (/\s/u.test(s)) return invalid(`AS number ${shown} contains whitespace; remove it.`);
  if (/^[+-]/u.test(s)) {
    return invalid(`AS number ${shown} has a sign; Calico accepts digits only. ${accepted}`);
  }
  if (/^[0-9]+$/u.test(s)) {
    const value = Number(s);
    return value > maxASNumber ? invalid(outOfRange(s)) : { ok: true, value };
  }
  const asdot = /^([0-9]+)\.([0-9]+)$/u.exec(s);
  if (asdot !== null) {
    const high = Number(asdot[1]);
    const low = Number(asdot[2]);
    for (const [part, value] of [
      ["high", high],
      ["low", low],
    ] as const) {
      if (value > maxAsdotPart) {
        return invalid(
          `asdot AS number ${shown}: the ${part} part ${value} is above 65535. Each part of <high>.<low> is 0 to 65535; the largest AS number is 65535.65535 (4294967295).`,
        );
      }
    }
    return { ok: true, value: high * 65_536 + low };
  }
  if ((s.match(/\./gu) ?? []).length > 1) {
    return invalid(`AS number ${shown} has more than one dot; asdot is <high>.<low>. ${accepted}`);
  }
  return invalid(`AS number ${shown} is not a number. ${accepted}`);
}

function outOfRange(shown: string): string {
  return `AS number ${shown} is above 4294967295, the largest 32-bit AS number. ${accepted}`;
}

function int32Warning(value: number): string {
  return `AS number ${value} is above ${maxInt32ASNumber}: the CRDs of current Calico releases declare AS number fields (BGPConfiguration and BGPPeer asNumber, BGPPeer localASNumber, BGPFilter AS paths) as "type: integer, format: int32", and API servers that check numeric formats (Kubernetes v1.36 does) reject the object with "must be of type integer with format int32". Use an AS number up to ${maxInt32ASNumber} (the 4-byte private range 4200000000-4294967294 is above it), or install Calico CRDs that declare the full 0..4294967295 range (projectcalico/calico#13979).`;
}

function invalid(message: string): ASNumberParse {
  return { ok: false, message };
}

/**
 * Writes an AS number as plain decimal or in asdot notation (RFC 5396: `<high>.<low>` for values
 * of 65536 and above, plain decimal below). Calico itself always stores and prints plain decimal.
 *
 * @throws {RangeError} if `n` is not a whole number from 0 to 4294967295.
 *
 * @example
 * ```ts
 * formatASNumber(65546, "asdot");      // "1.10"
 * formatASNumber(64512, "asdot");      // "64512"
 * formatASNumber(4200000000, "plain"); // "4200000000"
 * ```
 */
export function formatASNumber(n: number, notation: ASNumberNotation = "plain"): string {
  if (!Number.isInteger(n) || n < 0 || n > maxASNumber) {
    throw new RangeError(`formatASNumber: ${n} is not an AS number (a whole number 0..4294967295)`);
  }
  const plain = n === 0 ? 0 : n;
  if (notation === "plain" || plain <= maxAsdotPart) return String(plain);
  return `${Math.floor(plain / 65_536)}.${plain % 65_536}`;
}
