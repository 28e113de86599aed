/** JSON values as the apiserver sees them. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Applies an RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything
 * else (arrays included) replaces.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * The smallest merge patch that turns `from` into `to` (the inverse of `applyMergePatch`):
 * changed or added keys carry their new value, removed keys become `null`, arrays are whole.
 * Returns `undefined` when they are equal.
 */
export function diffMergePatch(from: unknown, to: unknown): unknown {
  if (!isObject(from) || !isObject(to)) return deepEqual(from, to) ? undefined : to;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    const sub = diffMergePatch(from[key], value);
    if (sub !== undefined) patch[key] = sub;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => deepEqual(v, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]))
  );
}

/**
 * True when every field of `part` is in `whole` with the same value: `whole` is what we wrote
 * plus whatever the server added (defaults, status, metadata). Arrays must match exactly.
 */
export function containsFields(whole: unknown, part: unknown): boolean {
  if (!isObject(part)) return deepEqual(whole, part);
  if (!isObject(whole)) return false;
  return Object.entries(part).every(([k, v]) => containsFields(whole[k], v));
}
