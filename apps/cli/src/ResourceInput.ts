// the validation entry only: it builds the schema of each kind in the input, not every kind
import { validateResource } from "@calicokit/types/validation";
import { CliError } from "./CliError.js";
import type { Invocation } from "./Invocation.js";
import { listFlag, stringFlag } from "./Invocation.js";
import {
  formatProblem,
  type ManifestDocument,
  type ManifestProblem,
  readManifests,
} from "./ManifestReader.js";
import { type ResourceName, resourceNames, resourceOfKind } from "./ResourceNames.js";

/** A document that passed every check: what to send, and for which kind. */
export interface CheckedResource {
  readonly document: ManifestDocument;
  readonly resource: ResourceName;
  /** The object to send (AS numbers normalised by validation). */
  readonly value: Record<string, unknown> & { metadata: { name: string } };
  readonly warnings: readonly ManifestProblem[];
}

/** What `-f` gave: the checked resources, and every problem found on the way. */
export interface CheckedInput {
  readonly resources: readonly CheckedResource[];
  readonly problems: readonly ManifestProblem[];
  readonly documents: readonly ManifestDocument[];
}

/**
 * Reads `-f` inputs and checks each document with @calicokit/types' rules (validateResource,
 * projectcalico.org/v3 Nodes included). Problems carry the file, document, line and field.
 *
 * @example
 * ```ts
 * const { resources, problems } = await checkInput(invocation)
 * ```
 */
export async function checkInput(invocation: Invocation): Promise<CheckedInput> {
  const { documents, problems } = await readManifests(
    listFlag(invocation, "filename"),
    invocation.io.stdin,
  );
  const asNumberRange = stringFlag(invocation, "as-number-range") === "uint32" ? "uint32" : "int32";
  const resources: CheckedResource[] = [];
  const found: ManifestProblem[] = [...problems];
  for (const document of documents) {
    const problem = (field: string | undefined, message: string): ManifestProblem => ({
      source: document.source,
      document: document.document,
      line: field ? document.lineOf(field) : document.line,
      ...(field ? { field } : {}),
      message,
    });
    const kind = document.object.kind;
    const resource = typeof kind === "string" ? resourceOfKind(kind) : undefined;
    if (resource === undefined) {
      found.push(
        problem(
          "kind",
          `kind ${JSON.stringify(kind)} is not a kind calicokit handles; use one of ${resourceNames.map((r) => r.kind).join(", ")}`,
        ),
      );
      continue;
    }
    const result = validateResource(document.object, { asNumberRange });
    if (!result.ok) {
      for (const issue of result.issues) found.push(problem(fieldOf(issue.path), issue.message));
      continue;
    }
    resources.push({
      document,
      resource,
      value: result.value as unknown as CheckedResource["value"],
      warnings: result.warnings.map((w) => problem(fieldOf(w.path), w.message)),
    });
  }
  return { resources, problems: found, documents };
}

// Issue paths name the field ("spec.peerIP"); "(object)" is the whole document.
function fieldOf(path: string): string | undefined {
  return path === "" || path.startsWith("(") ? undefined : path;
}

/**
 * Prints the input's problems and warnings to stderr; with any problem, fails with exit 2
 * before anything is written.
 */
export function refuseProblems(invocation: Invocation, input: CheckedInput): void {
  for (const resource of input.resources) {
    for (const warning of resource.warnings)
      invocation.io.stderr.write(`warning: ${formatProblem(warning)}\n`);
  }
  if (input.problems.length === 0) return;
  for (const problem of input.problems) invocation.io.stderr.write(`${formatProblem(problem)}\n`);
  const n = input.problems.length;
  throw new CliError(
    "InvalidInput",
    `${n} problem${n === 1 ? "" : "s"} in the input; nothing was written`,
    "fix the fields named above and run again",
  );
}
