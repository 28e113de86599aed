import type { CommandHandler } from "../CommandSpec.js";
import { formatProblem } from "../ManifestReader.js";
import { paint, printData, renderTable } from "../Output.js";
import { checkInput } from "../ResourceInput.js";

// Offline: imports neither the client nor the cluster machinery, so it starts fast.

/** `validate -f`: every rule of @calicokit/types, offline; exit 2 when anything is invalid. */
export const validate: CommandHandler = async (invocation) => {
  const input = await checkInput(invocation);
  const rows = input.documents.map((document) => {
    const problems = input.problems.filter(
      (p) => p.source === document.source && p.document === document.document,
    );
    const metadata = document.object.metadata as { name?: unknown } | undefined;
    return {
      source: document.source,
      document: document.document,
      line: document.line,
      kind: String(document.object.kind ?? ""),
      name: String(metadata?.name ?? ""),
      valid: problems.length === 0,
      problems: problems.map((p) => ({
        line: p.line,
        ...(p.field ? { field: p.field } : {}),
        message: p.message,
      })),
    };
  });
  // problems of documents that could not be read at all (syntax errors, YAML traps)
  const unread = input.problems.filter(
    (p) => !input.documents.some((d) => d.source === p.source && d.document === p.document),
  );
  if (invocation.global.output === "json") {
    printData(invocation, {
      valid: input.problems.length === 0,
      documents: rows,
      unreadable: unread.map((p) => ({
        source: p.source,
        document: p.document,
        line: p.line,
        ...(p.field ? { field: p.field } : {}),
        message: p.message,
      })),
    });
  } else {
    if (rows.length > 0) {
      invocation.io.stdout.write(
        renderTable(
          ["FILE", "DOC", "LINE", "KIND", "NAME", "RESULT"],
          rows.map((r) => [
            r.source,
            String(r.document),
            String(r.line),
            r.kind,
            r.name,
            r.valid ? paint(invocation, "green", "valid") : paint(invocation, "red", "invalid"),
          ]),
        ),
      );
    }
    for (const resource of input.resources)
      for (const w of resource.warnings)
        invocation.io.stderr.write(`warning: ${formatProblem(w)}\n`);
    for (const problem of input.problems) invocation.io.stderr.write(`${formatProblem(problem)}\n`);
  }
  return input.problems.length === 0 ? 0 : 2;
};
