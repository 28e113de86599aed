import * as z from "zod";
import type { IssueSource, ValidationIssue } from "./Issue.js";

// Turns zod issues (the CRD openAPIV3Schema part of validation) into calicokit issues whose
// messages say which field, which rule and how to fix it.

/** `["spec", "communities", 2, "value"]` -> `spec.communities[2].value`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "(object)" : text;
}

const typeNames: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object (a map of fields)",
  array: "a list",
  record: "a map of string values",
};

const typeFixes: Readonly<Record<string, string>> = {
  string: "put the value in quotes",
  number: "write a number without quotes",
  int: "write a whole number without quotes",
  boolean: "write true or false without quotes",
  object: "write it as a map of fields",
  array: "write it as a list",
  record: "write it as a map of string keys to string values",
};

function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "an object";
  if (typeof input === "string") return `the string ${JSON.stringify(input)}`;
  return `${typeof input} ${String(input)}`;
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.core.$ZodType;
  }
  return current;
}

/** Field names the schema allows at `path` (for "did you mean" hints). */
function fieldsAt(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current = unwrap(root);
  for (const key of path) {
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(key)]);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.core.$ZodType);
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(
        above + 1,
        (row[j - 1] ?? 0) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

function closestField(unknown: string, fields: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const field of fields) {
    const distance = field.toLowerCase() === lower ? 0 : editDistance(lower, field.toLowerCase());
    if (distance < bestDistance) {
      best = field;
      bestDistance = distance;
    }
  }
  return best;
}

function issue(path: string, rule: string, source: IssueSource, message: string): ValidationIssue {
  return { path, message, rule, source };
}

// zod reports a missing field as a wrong type or value whose input is undefined.
function required(path: string, fix: string): ValidationIssue {
  return issue(path, "crd.required", "crd-schema", `${path} is required; ${fix}`);
}

/** The openAPI keyword a bound comes from: maxLength, maxItems or maximum (and min*). */
function openApiKeyword(origin: string, side: "max" | "min"): string {
  if (origin === "string") return `crd.${side}Length`;
  if (origin === "array") return `crd.${side}Items`;
  return side === "max" ? "crd.maximum" : "crd.minimum";
}

function bound(value: number | bigint): string {
  return String(value);
}

/** Converts the zod issues of parsing `root` into calicokit issues. */
export function schemaIssues(
  root: z.core.$ZodType,
  issues: readonly z.core.$ZodIssue[],
): ValidationIssue[] {
  const result: ValidationIssue[] = [];
  for (const found of issues) {
    const path = formatPath(found.path);
    switch (found.code) {
      case "invalid_type": {
        if (found.input === undefined) {
          result.push(required(path, `add it (${typeNames[found.expected] ?? found.expected})`));
          break;
        }
        const expected = typeNames[found.expected] ?? found.expected;
        const fix = typeFixes[found.expected] ?? `write ${expected}`;
        result.push(
          issue(
            path,
            "crd.type",
            "crd-schema",
            `${path} must be ${expected}, not ${describeInput(found.input)}; ${fix}`,
          ),
        );
        break;
      }
      case "invalid_value": {
        const allowed = found.values.map((value) => JSON.stringify(value)).join(", ");
        if (found.input === undefined) {
          result.push(required(path, `set it to one of ${allowed}`));
          break;
        }
        result.push(
          issue(
            path,
            "crd.enum",
            "crd-schema",
            `${path} is ${JSON.stringify(found.input)}, which is not allowed; use one of ${allowed} (values are case-sensitive)`,
          ),
        );
        break;
      }
      case "too_big": {
        const max = bound(found.maximum);
        const message =
          found.origin === "string"
            ? `${path} is ${String(found.input).length} characters long, more than the ${max} allowed; shorten it`
            : found.origin === "array"
              ? `${path} has ${Array.isArray(found.input) ? found.input.length : "too many"} items, more than the ${max} allowed; remove some`
              : `${path} is ${String(found.input)}, above the maximum ${max}; use a value of at most ${max}`;
        result.push(issue(path, openApiKeyword(found.origin, "max"), "crd-schema", message));
        break;
      }
      case "too_small": {
        const min = bound(found.minimum);
        const message =
          found.origin === "array"
            ? `${path} needs at least ${min} item(s); add one or remove the field`
            : found.origin === "string"
              ? `${path} must be at least ${min} characters long`
              : `${path} is ${String(found.input)}, below the minimum ${min}; use a value of at least ${min}`;
        result.push(issue(path, openApiKeyword(found.origin, "min"), "crd-schema", message));
        break;
      }
      case "invalid_format":
        result.push(
          issue(
            path,
            "crd.pattern",
            "crd-schema",
            `${path} is ${JSON.stringify(found.input)}, but it ${found.message}`,
          ),
        );
        break;
      case "unrecognized_keys":
        for (const key of found.keys) {
          const fieldPath = formatPath([...found.path, key]);
          const suggestion = closestField(key, fieldsAt(root, found.path));
          const fix =
            suggestion === undefined
              ? "remove it (the API server would silently drop it)"
              : `did you mean ${JSON.stringify(suggestion)}? Rename or remove it (the API server would silently drop it)`;
          result.push(
            issue(
              fieldPath,
              "calicokit.unknown-field",
              "calicokit",
              `${fieldPath} is not a field Calico knows; ${fix}`,
            ),
          );
        }
        break;
      case "custom": {
        const params = found.params as { rule?: string; source?: IssueSource } | undefined;
        result.push(
          issue(
            path,
            params?.rule ?? "crd.custom",
            params?.source ?? "crd-schema",
            `${path}: ${found.message}`,
          ),
        );
        break;
      }
      default:
        result.push(issue(path, `crd.${found.code}`, "crd-schema", `${path} ${found.message}`));
    }
  }
  return result;
}
