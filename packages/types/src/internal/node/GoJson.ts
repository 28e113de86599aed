// JSON text byte-for-byte as Go's encoding/json writes it, for the annotations Calico stores as
// JSON (`projectcalico.org/labels`, `.../annotations`, `.../metadata`, ...): map keys sorted by
// UTF-8 byte order, and `<`, `>`, `&`, U+2028, U+2029 escaped as \u00XX / \u20XX.

const goEscapes = /[<>&\u2028\u2029]/g;

function escapeLikeGo(json: string): string {
  return json.replace(goEscapes, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Compares strings by code point, which equals Go's byte-wise comparison of their UTF-8. */
export function compareGoStrings(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done || r.done) return l.done === r.done ? 0 : l.done ? -1 : 1;
    const diff = (l.value.codePointAt(0) ?? 0) - (r.value.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
}

/** A JSON string literal as Go writes it. */
export function goJsonString(value: string): string {
  return escapeLikeGo(JSON.stringify(value));
}

/** An `omitempty` string field: its JSON literal, or undefined for an empty string. */
export function goJsonOmitEmptyString(value: string | undefined): string | undefined {
  return value ? goJsonString(value) : undefined;
}

/**
 * Go's `json.Marshal` of a `map[string]string`: `null` for a nil map (undefined here), else the
 * entries in Go's key order.
 */
export function goJsonStringMap(map: Readonly<Record<string, string>> | undefined): string {
  if (map === undefined) return "null";
  const keys = Object.keys(map).sort(compareGoStrings);
  return `{${keys.map((key) => `${goJsonString(key)}:${goJsonString(map[key] ?? "")}`).join(",")}}`;
}

/**
 * A JSON object from already-encoded member values, in the given order (Go's struct field
 * order); members whose value is undefined are left out, as Go's `omitempty` does.
 */
export function goJsonObject(
  members: ReadonlyArray<readonly [string, string | undefined]>,
): string {
  const present = members.filter(
    (member): member is readonly [string, string] => member[1] !== undefined,
  );
  return `{${present.map(([key, json]) => `${goJsonString(key)}:${json}`).join(",")}}`;
}

/** Go's `omitempty` for maps and slices: an empty one counts as absent. */
export function omitEmpty<T extends object>(value: T | undefined): T | undefined {
  return value !== undefined && Object.keys(value).length > 0 ? value : undefined;
}

/** A JSON array of encoded items, or undefined for an empty one (an `omitempty` slice). */
export function goJsonList<T>(
  items: readonly T[] | undefined,
  encode: (item: T) => string,
): string | undefined {
  const present = omitEmpty(items);
  return present === undefined ? undefined : `[${present.map(encode).join(",")}]`;
}

/** Go's encoding of a plain JSON value whose key order does not matter (e.g. raw `fieldsV1`). */
export function goJsonValue(value: unknown): string {
  return escapeLikeGo(JSON.stringify(value));
}

/** Result of decoding annotation JSON the way Go's `json.Unmarshal` would. */
export type GoDecode<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses annotation JSON; on failure the reason says why, as Go's `json.Unmarshal` would fail. */
export function parseGoJson(text: string): GoDecode<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${(error as Error).message})` };
  }
}

/**
 * Go's `json.Unmarshal` into `map[string]string`: `null` gives a nil map (undefined), anything
 * but an object of strings fails.
 */
export function decodeGoStringMap(text: string): GoDecode<Record<string, string> | undefined> {
  const parsed = parseGoJson(text);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return { ok: true, value: undefined };
  if (typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
    return { ok: false, reason: "not a JSON object of string values" };
  }
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.value)) {
    if (typeof value !== "string") {
      return { ok: false, reason: `the value of key ${JSON.stringify(key)} is not a string` };
    }
    map[key] = value;
  }
  return { ok: true, value: map };
}
