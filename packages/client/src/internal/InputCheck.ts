import * as z from "zod";
import { CalicoClientError, type RequestTarget, type StatusCause } from "../CalicoClientError.js";

/**
 * The schema of one options type: strict (a key it does not know is refused, never ignored) and
 * complete (the mapped type makes the compiler ask for a schema for every key of `T`).
 */
export interface OptionsSchema<T> {
  readonly object: z.ZodObject;
  /** The same schema, typed: for nesting one options type in another. */
  readonly typed: z.ZodType<T>;
}

/**
 * A strict schema for the options type `T`, one zod schema per key. `extraKeys: "allowed"` is
 * for value arguments that are often a richer object of ours (a `HeldLease` as a `LeaseRef`).
 *
 * @example
 * ```ts
 * const signalOnly = optionsSchema<{ readonly signal?: AbortSignal | undefined }>({ signal: signalSchema })
 * ```
 */
export function optionsSchema<T extends object>(
  shape: { readonly [K in keyof Required<T>]: z.ZodType<T[K]> },
  extraKeys: "refused" | "allowed" = "refused",
): OptionsSchema<T> {
  const fields = shape as Record<string, z.ZodType>;
  const object = extraKeys === "refused" ? z.strictObject(fields) : z.looseObject(fields);
  return { object, typed: object as unknown as z.ZodType<T> };
}

/** `signal`, as every call takes it. */
export const signalSchema = z.instanceof(AbortSignal).optional();

/** An optional function (a callback option). */
export function functionSchema<F>() {
  return z.custom<F>((f) => typeof f === "function", "expected a function").optional();
}

/** A whole number of at least `min`. */
export function countSchema(min: number) {
  return z.number().int().min(min).optional();
}

/**
 * Checks the options a public method was given: `undefined` means the defaults; anything else
 * must be an object with only known keys (an unknown one names the known key it most likely
 * meant, among those whose schema takes its value), every required key, and values of the right
 * type. Refuses with `Config`, naming each field, before anything is sent.
 *
 * @example
 * ```ts
 * const signalOnly = optionsSchema<{ readonly signal?: AbortSignal | undefined }>({ signal: signalSchema })
 * const options: unknown = { signal: AbortSignal.timeout(5_000) }
 * const { signal } = checkOptions(signalOnly, options, { verb: "get", resource: "nodes", name: "n1" })
 * ```
 */
export function checkOptions<T>(
  schema: OptionsSchema<T>,
  options: unknown,
  target: RequestTarget | undefined,
  what = "options",
): T {
  const result = schema.object.safeParse(options ?? {});
  if (result.success) return (options ?? {}) as T;
  const causes: StatusCause[] = [];
  const hints: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      const given = valueAt(options, issue.path);
      for (const key of issue.keys) {
        const field = [...issue.path, key].join(".");
        const meant = likelyMeant(key, valueAt(given, [key]), shapeAt(schema.object, issue.path));
        causes.push({
          field,
          message: `unknown option${meant.length > 0 ? `: did you mean ${orList(meant)}?` : ""}`,
        });
        hints.push(
          meant.length > 0
            ? `use ${orList(meant)} instead of "${key}"`
            : `remove "${field}" (known: ${Object.keys(shapeAt(schema.object, issue.path)).join(", ")})`,
        );
      }
      continue;
    }
    const field = issue.path.join(".");
    const missing = valueAt(options, issue.path) === undefined && issue.code === "invalid_type";
    causes.push({
      ...(field === "" ? {} : { field }),
      message: missing ? "required" : issue.message,
    });
  }
  throw new CalicoClientError("Config", `${what} refused: nothing was sent`, {
    causes,
    target,
    hint:
      hints.length > 0
        ? hints.join("; ")
        : "fix the fields listed (see the method's documentation)",
  });
}

/**
 * Checks an object name argument: a non-empty string, else `Invalid` naming `field`.
 *
 * @example
 * ```ts
 * checkName("peer-a", { verb: "get", resource: "bgppeers.projectcalico.org" }) // "peer-a"
 * ```
 */
export function checkName(name: unknown, target: RequestTarget, field = "name"): string {
  if (typeof name === "string" && name !== "") return name;
  throw new CalicoClientError("Invalid", `${field} must be a non-empty string, got ${show(name)}`, {
    causes: [{ field, message: "a non-empty string (the object's metadata.name)" }],
    target,
  });
}

/**
 * Checks that an argument is a plain object (an object to write, a patch), else `Invalid`.
 *
 * @example
 * ```ts
 * const patch: unknown = { spec: { asNumber: 64513 } }
 * checkObject(patch, "patch", { verb: "patch", resource: "bgppeers.projectcalico.org", name: "p1" })
 * ```
 */
export function checkObject(value: unknown, field: string, target: RequestTarget): object {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  throw new CalicoClientError("Invalid", `${field} must be an object, got ${show(value)}`, {
    causes: [{ field, message: "an object" }],
    target,
  });
}

/**
 * Checks a plain value argument (a flag, a selector) against `schema`, else `Invalid` naming
 * `field` and saying what it must be.
 *
 * @example
 * ```ts
 * const given: unknown = AbortSignal.timeout(1_000)
 * checkValue(signalSchema, given, "signal", "an AbortSignal", { verb: "get", resource: "nodes" })
 * ```
 */
export function checkValue<T>(
  schema: z.ZodType<T>,
  value: unknown,
  field: string,
  expected: string,
  target: RequestTarget,
): T {
  if (schema.safeParse(value).success) return value as T;
  throw new CalicoClientError("Invalid", `${field} must be ${expected}, got ${show(value)}`, {
    causes: [{ field, message: expected }],
    target,
  });
}

function show(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value) : `a ${typeof value}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The keys of the object schema at `path` (through optional and union wrappers). */
function shapeAt(object: z.ZodObject, path: readonly PropertyKey[]): Record<string, z.ZodType> {
  let schema: z.ZodType | undefined = object;
  for (const key of path) schema = objectIn(schema)?.shape[String(key)];
  return objectIn(schema)?.shape ?? {};
}

function objectIn(schema: z.ZodType | undefined): z.ZodObject | undefined {
  if (schema instanceof z.ZodObject) return schema;
  if (schema instanceof z.ZodOptional) return objectIn(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodUnion) {
    for (const option of schema.options) {
      const found = objectIn(option as z.ZodType);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Known keys an unknown one was probably meant as: same letters ignoring case, one containing
 * the other, or at most two edits apart; and whose schema accepts the value given.
 */
function likelyMeant(key: string, value: unknown, shape: Record<string, z.ZodType>): string[] {
  const wanted = key.toLowerCase();
  return Object.entries(shape)
    .filter(([known]) => {
      const k = known.toLowerCase();
      return k.includes(wanted) || wanted.includes(k) || editDistance(k, wanted) <= 2;
    })
    .filter(([, schema]) => schema.safeParse(value).success)
    .map(([known]) => known);
}

function orList(keys: readonly string[]): string {
  return keys.map((k) => `"${k}"`).join(" or ");
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
