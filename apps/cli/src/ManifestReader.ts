import { readFile } from "node:fs/promises";
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type ParsedNode,
  parseAllDocuments,
  visit,
} from "yaml";
import { CliError } from "./CliError.js";

/** One object of an input file, with where it came from. */
export interface ManifestDocument {
  /** The file name as given, or `stdin`. */
  readonly source: string;
  /** 1-based position of the document in its file (items of a List count one each). */
  readonly document: number;
  /** Line where the object starts. */
  readonly line: number;
  readonly object: Record<string, unknown>;
  /** The line of a field path such as `spec.peerIP` or `spec.communities[2].value`. */
  lineOf(path: string): number;
}

/** A problem with one input document: where it is, which field, what to do. */
export interface ManifestProblem {
  readonly source: string;
  readonly document: number;
  readonly line: number;
  /** Dotted field path; absent for problems of the whole document. */
  readonly field?: string;
  readonly message: string;
}

/**
 * `peer.yaml: document 2, line 7: spec.peerIP: <message>`: how every input problem is printed.
 *
 * @example
 * ```ts
 * formatProblem({ source: "peer.yaml", document: 1, line: 4, field: "spec.asNumber", message: "..." })
 * ```
 */
export function formatProblem(problem: ManifestProblem): string {
  // validation messages usually start with the field already
  const field =
    problem.field && !problem.message.startsWith(problem.field) ? `${problem.field}: ` : "";
  return `${problem.source}: document ${problem.document}, line ${problem.line}: ${field}${problem.message}`;
}

/**
 * Reads YAML or JSON files (multi-document; `kind: List` expanded; `-` is stdin) into objects
 * with their positions. Syntax errors and the YAML traps of Calico's docs are problems with the
 * line and the fix: an unquoted `!has(...)` selector (a YAML tag: the value silently becomes
 * empty) and label or annotation values that YAML reads as booleans or numbers.
 *
 * @example
 * ```ts
 * const { documents, problems } = await readManifests(["peer.yaml"], process.stdin)
 * ```
 */
export async function readManifests(
  files: readonly string[],
  stdin: NodeJS.ReadableStream,
): Promise<{ documents: ManifestDocument[]; problems: ManifestProblem[] }> {
  if (files.length === 0) {
    throw new CliError("Usage", "no input: -f FILE is required", "pass -f FILE, or -f - for stdin");
  }
  const documents: ManifestDocument[] = [];
  const problems: ManifestProblem[] = [];
  for (const file of files) {
    const source = file === "-" ? "stdin" : file;
    const text = file === "-" ? await readAll(stdin) : await readText(file);
    const parsed = parseManifestText(source, text);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  return { documents, problems };
}

/** Parses the text of one input file (see {@link readManifests}). */
export function parseManifestText(
  source: string,
  text: string,
): { documents: ManifestDocument[]; problems: ManifestProblem[] } {
  const lines = new LineCounter();
  const documents: ManifestDocument[] = [];
  const problems: ManifestProblem[] = [];
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lines.linePos(offset).line;
  let index = 0;
  for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })) {
    if (doc.contents === null && doc.errors.length === 0) continue;
    index++;
    const problem = (line: number, message: string, field?: string) =>
      problems.push({ source, document: index, line, message, ...(field ? { field } : {}) });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problem(lineAt(error.pos[0]), `invalid YAML: ${firstLine(error.message)}`);
      }
      continue;
    }
    const trapsBefore = problems.length;
    for (const trap of yamlTraps(doc)) problem(lineAt(trap.offset), trap.message, trap.field);
    if (problems.length > trapsBefore) continue;
    const value: unknown = doc.toJS();
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problem(
        lineAt(doc.contents?.range[0]),
        "a document must be an object with apiVersion, kind, metadata and spec",
      );
      continue;
    }
    const object = value as Record<string, unknown>;
    const contents = doc.contents as Node;
    if (object.kind === "List" && Array.isArray(object.items)) {
      const items = doc.get("items", true);
      object.items.forEach((item, i) => {
        const node = isSeq(items) ? (items.items[i] as Node | undefined) : undefined;
        const base = node ?? contents;
        if (i > 0) index++;
        documents.push(
          manifest(source, index, item, lineAt(base.range?.[0]), (path) =>
            lineAt(nodeAt(base, path)?.range?.[0] ?? base.range?.[0]),
          ),
        );
      });
      continue;
    }
    documents.push(
      manifest(source, index, object, lineAt(contents.range?.[0]), (path) =>
        lineAt(nodeAt(contents, path)?.range?.[0] ?? contents.range?.[0]),
      ),
    );
  }
  return { documents, problems };
}

function manifest(
  source: string,
  document: number,
  object: unknown,
  line: number,
  lineOf: (path: string) => number,
): ManifestDocument {
  return { source, document, line, object: object as Record<string, unknown>, lineOf };
}

// The deepest node along a dotted path (`spec.communities[2].value`), so a problem with a field
// that is missing points at its parent.
function nodeAt(root: Node, path: string): Node | undefined {
  const keys = path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((k) => k !== "");
  let node: Node | undefined = root;
  for (const key of keys) {
    let next: unknown;
    if (isMap(node)) next = node.get(key, true);
    else if (isSeq(node)) next = node.get(Number(key), true);
    if (next === undefined || next === null || typeof next !== "object") break;
    node = next as Node;
  }
  return node;
}

interface Trap {
  readonly offset: number | undefined;
  readonly field: string;
  readonly message: string;
}

const labelMaps = new Set(["labels", "annotations"]);

function yamlTraps(doc: Document.Parsed): Trap[] {
  const traps: Trap[] = [];
  visit(doc, {
    Pair(_key, pair, path) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const value = pair.value as ParsedNode | null;
      const field = [...fieldPath(path), key].join(".");
      if (isScalar(value) && value.tag?.startsWith("!") && !value.tag.startsWith("!!")) {
        traps.push({
          offset: value.range[0],
          field,
          message: `${key}: ${value.tag} ... is read by YAML as a tag, not as text: the value silently becomes empty (an empty selector matches every node). Quote it: ${key}: "${value.tag}${value.source ? ` ${value.source}` : ""}"`,
        });
      }
      const parentKey = path.length >= 2 ? pairKey(path[path.length - 2]) : undefined;
      if (parentKey !== undefined && labelMaps.has(parentKey) && isScalar(value)) {
        const v = value.value;
        if (typeof v === "boolean" || typeof v === "number" || v === null) {
          traps.push({
            offset: value.range[0],
            field,
            message: `${parentKey.slice(0, -1)} value ${value.source || "(empty)"} is a YAML ${v === null ? "null" : typeof v}, and Kubernetes ${parentKey} are strings (the API server refuses it). Quote it: ${key}: "${value.source ?? ""}"`,
          });
        }
      }
    },
  });
  return traps;
}

function pairKey(item: unknown): string | undefined {
  const key = (item as { key?: unknown } | undefined)?.key;
  return isScalar(key) ? String(key.value) : undefined;
}

function fieldPath(path: readonly unknown[]): string[] {
  const keys: string[] = [];
  for (const item of path) {
    const key = pairKey(item);
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

function firstLine(message: string): string {
  return message.split("\n")[0] as string;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      "InvalidInput",
      `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
      "check the path given to -f",
    );
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
