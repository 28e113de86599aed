import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** One code example: a ```ts block of a docs/*.md page or of a JSDoc `@example`. */
export interface DocExample {
  /** Where its first line is: `docs/client.md:12`, `packages/types/src/ASNumber.ts:40`. */
  readonly origin: string;
  readonly code: string;
  /**
   * For a JSDoc example: the package it documents and the module that declares it, whose
   * exports the example may use without importing them (as a reader of that page would).
   */
  readonly scope?: { readonly packageName: string; readonly module: string };
}

const fence = /^```ts\n([\s\S]*?)^```/gm;

/** The ```ts blocks of a Markdown page. */
export function markdownExamples(root: string, file: string): DocExample[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(fence)].map((m) => ({
    origin: `${relative(root, file)}:${lineOf(text, m.index) + 2}`,
    code: m[1] as string,
  }));
}

/** The `@example` blocks of every JSDoc comment in a package's src (tests left out). */
export function jsdocExamples(root: string, packageDir: string): DocExample[] {
  const packageName = (
    JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string }
  ).name;
  return sourceFiles(join(packageDir, "src")).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/\/\*\*[\s\S]*?\*\//g)].flatMap((comment) => {
      const body = comment[0]
        .split("\n")
        .map((line) => line.replace(/^\s*\/?\*+\/? ?/, ""))
        .join("\n");
      const examples = [...body.matchAll(/@example[^\n]*\n```ts\n([\s\S]*?)^```/gm)];
      if (examples.length !== (body.match(/@example/g) ?? []).length) {
        throw new Error(
          `${relative(root, file)}:${lineOf(text, comment.index) + 1}: an @example without a \`\`\`ts block`,
        );
      }
      return examples.map((m) => ({
        // stripping the comment's ` * ` keeps its lines: the code starts two below @example
        origin: `${relative(root, file)}:${lineOf(text, comment.index) + lineOf(body, m.index) + 3}`,
        code: m[1] as string,
        scope: { packageName, module: file },
      }));
    });
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
    })
    .sort();
}

function lineOf(text: string, index: number | undefined): number {
  return text.slice(0, index ?? 0).split("\n").length - 1;
}

/** A name a module exports, and whether it is only a type. */
interface ExportedName {
  readonly name: string;
  readonly typeOnly: boolean;
}

/** The names a module exports: `export { a, type B } from`, `export function f`, etc. */
export function exportedNames(file: string): ExportedName[] {
  const text = readFileSync(file, "utf8");
  const names: ExportedName[] = [];
  for (const m of text.matchAll(/^export (type )?\{([^}]*)\}/gm)) {
    for (const raw of (m[2] as string).split(",")) {
      const spec = raw.trim();
      if (spec === "") continue;
      const typeOnly = m[1] !== undefined || spec.startsWith("type ");
      const name = spec
        .replace(/^type /, "")
        .split(/\s+as\s+/)
        .pop() as string;
      names.push({ name, typeOnly });
    }
  }
  const declaration =
    /^export (?:declare )?(?:abstract )?(async function\*?|function\*?|const|let|class|type|interface|enum) (\w+)/gm;
  for (const m of text.matchAll(declaration)) {
    names.push({ name: m[2] as string, typeOnly: m[1] === "type" || m[1] === "interface" });
  }
  return names;
}

/** Names an example declares or imports itself, which the implicit imports must leave out. */
function ownNames(code: string): Set<string> {
  const own = new Set<string>();
  const declared = /\b(?:const|let|var|function|class|type|interface|enum)\s+(\w+)/g;
  for (const m of code.matchAll(declared)) own.add(m[1] as string);
  for (const m of code.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const spec of (m[1] as string).split(",")) {
      const name = spec
        .trim()
        .replace(/^type /, "")
        .split(/\s+as\s+/)
        .pop();
      if (name) own.add(name);
    }
  }
  for (const m of code.matchAll(/^import\s+(?:\*\s+as\s+)?(\w+)/gm)) own.add(m[1] as string);
  return own;
}

/**
 * The example as a TypeScript module of its own: its code, after imports of what its page may
 * use unqualified (its package's public exports and its own module's exports) and declarations
 * of the package's `givens` it uses without making them (`client`: a connected CalicoClient).
 * A comment names where it came from so that a compiler error can be traced back.
 */
export function exampleModule(
  example: DocExample,
  packageIndex: (name: string) => string,
  givens: Readonly<Record<string, string>> = {},
) {
  const lines = [`// ${example.origin}`];
  if (example.scope !== undefined) {
    const own = ownNames(example.code);
    const imported = new Set<string>();
    const importLine = (names: ExportedName[], from: string) => {
      const specs = names
        .filter((n) => !own.has(n.name) && !imported.has(n.name))
        .map((n) => {
          imported.add(n.name);
          return n.typeOnly ? `type ${n.name}` : n.name;
        });
      if (specs.length > 0) lines.push(`import { ${specs.join(", ")} } from "${from}";`);
    };
    const { packageName, module } = example.scope;
    importLine(exportedNames(packageIndex(packageName)), packageName);
    importLine(exportedNames(module), module.replace(/\.ts$/, ".js"));
    for (const [name, type] of Object.entries(givens)) {
      if (!own.has(name)) lines.push(`declare const ${name}: ${type};`);
    }
  }
  lines.push("export {};");
  // an internal module's example imports its siblings as the module does
  const moduleDir = example.scope === undefined ? undefined : dirname(example.scope.module);
  const code =
    moduleDir === undefined
      ? example.code
      : example.code.replace(/(from\s+")(\.\.?\/[^"]+)"/g, (_, from: string, path: string) => {
          return `${from}${join(moduleDir, path)}"`;
        });
  return { text: `${lines.join("\n")}\n${code}`, preludeLines: lines.length };
}
