import { LabError } from "../LabError.js";
import type { AddNodeOptions, LabOptions } from "../LabOptions.js";
import type { ProcedureOptions } from "../ProcedureOptions.js";
import { maxLabNodes } from "./LabAddressing.js";

/** One option's rule: whether it must be given, and what is wrong with a given value. */
interface OptionRule {
  readonly required?: true;
  /** What the value must be, said as the fix; undefined when the value is fine. */
  readonly problem: (value: unknown) => string | undefined;
}

/** A rule for every key of `T` (the compiler asks for each), and no other key is accepted. */
type OptionRules<T> = { readonly [K in keyof Required<T>]: OptionRule };

const labNamePattern = /^[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?$/;

const integerIn =
  (min: number, max: number) =>
  (value: unknown): string | undefined =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `an integer from ${min} to ${max}`;

const boolean = (value: unknown) => (typeof value === "boolean" ? undefined : "true or false");

const nonEmptyString = (value: unknown) =>
  typeof value === "string" && value !== "" ? undefined : "a non-empty string";

const labOptionRules: OptionRules<LabOptions> = {
  name: {
    required: true,
    problem: (value) =>
      typeof value === "string" && labNamePattern.test(value)
        ? undefined
        : "1-30 characters of a-z, 0-9 and '-', starting and ending with a letter or digit",
  },
  nodes: { required: true, problem: integerIn(1, maxLabNodes) },
  zones: {
    problem: (value) =>
      typeof value === "number"
        ? integerIn(1, 26)(value)
        : Array.isArray(value) && value.length > 0 && value.every((z) => !nonEmptyString(z))
          ? undefined
          : "1..26 or a non-empty list of zone names",
  },
  asNumber: { problem: integerIn(1, 4294967295) },
  ipv6: { problem: boolean },
  calicoApi: {
    required: true,
    problem: (value) => (value === "v1" || value === "v3" ? undefined : '"v1" or "v3"'),
  },
  routeProbe: { problem: boolean },
  workDir: { problem: nonEmptyString },
};

const addNodeOptionRules: OptionRules<AddNodeOptions> = {
  zone: { problem: nonEmptyString },
  labels: {
    problem: (value) =>
      typeof value === "object" &&
      value !== null &&
      Object.values(value).every((v) => typeof v === "string")
        ? undefined
        : "an object of string labels",
  },
};

const procedureOptionRules: OptionRules<ProcedureOptions> = {
  onEvent: { problem: (value) => (typeof value === "function" ? undefined : "a function") },
  sessionTimeoutMs: { problem: integerIn(1, 3_600_000) },
  http: {
    problem: (value) =>
      typeof (value as { request?: unknown } | null)?.request === "function"
        ? undefined
        : "a KubeHttp from @calicokit/testkit",
  },
  kubectl: {
    problem: (value) =>
      typeof value === "object" &&
      value !== null &&
      Object.keys(value).every((k) => k === "kubeconfigPath") &&
      !nonEmptyString((value as { kubeconfigPath?: unknown }).kubeconfigPath)
        ? undefined
        : "{ kubeconfigPath: <path of a kubeconfig> }",
  },
};

/**
 * Checks `runDocumentedProcedure`'s options, the same way as `checkLabOptions`.
 *
 * @example
 * ```ts
 * checkProcedureOptions({ sessionTimeoutMs: 60_000 })
 * ```
 */
export function checkProcedureOptions(options: unknown): asserts options is ProcedureOptions {
  check("runDocumentedProcedure", options, procedureOptionRules);
}

/**
 * Checks `Lab.up`'s options before anything starts: unknown keys, missing required ones and
 * values out of range are an `InvalidOptions` error naming every field and its fix.
 *
 * @example
 * ```ts
 * checkLabOptions({ name: "demo", nodes: 4 }) // throws: calicoApi: required, "v1" or "v3"
 * ```
 */
export function checkLabOptions(options: unknown): asserts options is LabOptions {
  check("Lab.up", options, labOptionRules);
}

/**
 * Checks `lab.addNode`'s options, the same way as `checkLabOptions`.
 *
 * @example
 * ```ts
 * checkAddNodeOptions({ zone: "zone-b" })
 * ```
 */
export function checkAddNodeOptions(options: unknown): asserts options is AddNodeOptions {
  check("lab.addNode", options, addNodeOptionRules);
}

function check(where: string, options: unknown, rules: Readonly<Record<string, OptionRule>>) {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new LabError(
      "InvalidOptions",
      `${where} takes an options object`,
      `known options: ${Object.keys(rules).join(", ")}`,
    );
  }
  const given = options as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(given)) {
    if (!(key in rules)) {
      const meant = Object.keys(rules).find((k) => k.toLowerCase() === key.toLowerCase());
      problems.push(
        `${key}: unknown option${meant === undefined ? ` (known: ${Object.keys(rules).join(", ")})` : `: did you mean ${meant}?`}`,
      );
    }
  }
  for (const [key, rule] of Object.entries(rules)) {
    const value = given[key];
    if (value === undefined) {
      if (rule.required) problems.push(`${key}: required, ${rule.problem(undefined)}`);
      continue;
    }
    const problem = rule.problem(value);
    if (problem !== undefined) problems.push(`${key}: must be ${problem}, got ${show(value)}`);
  }
  if (problems.length === 0) return;
  throw new LabError(
    "InvalidOptions",
    `${where} refused its options:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    "fix the options listed; nothing was started",
  );
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}
