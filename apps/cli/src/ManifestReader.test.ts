import { describe, expect, it } from "vitest";
import { formatProblem, parseManifestText } from "./ManifestReader.js";

describe("parseManifestText", () => {
  it("reads every document with its line and finds the line of a field", () => {
    const text = [
      "apiVersion: projectcalico.org/v3",
      "kind: BGPPeer",
      "metadata:",
      "  name: a",
      "spec:",
      "  peerIP: 10.0.0.1",
      "---",
      "apiVersion: projectcalico.org/v3",
      "kind: IPPool",
      "metadata:",
      "  name: b",
      "spec:",
      "  cidr: 10.1.0.0/16",
      "  blockSize: 99",
      "",
    ].join("\n");
    const { documents, problems } = parseManifestText("f.yaml", text);
    expect(problems).toEqual([]);
    expect(
      documents.map((d) => [d.document, d.line, (d.object.metadata as { name: string }).name]),
    ).toEqual([
      [1, 1, "a"],
      [2, 8, "b"],
    ]);
    expect(documents[1]?.lineOf("spec.blockSize")).toBe(14);
    expect(documents[1]?.lineOf("spec.missing.deeper")).toBe(13);
  });

  it("refuses an unquoted !has(...) selector with the line and the quoted form", () => {
    const text =
      "kind: BGPPeer\nmetadata:\n  name: p\nspec:\n  nodeSelector: !has(route-reflector)\n";
    const { documents, problems } = parseManifestText("peer.yaml", text);
    expect(documents).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0] as never)).toMatch(
      /^peer\.yaml: document 1, line 5: spec\.nodeSelector: .*tag.*nodeSelector: "!has\(route-reflector\)"$/,
    );
  });

  it("refuses a boolean label value with the quoted form", () => {
    const text = "kind: Node\nmetadata:\n  name: n\n  labels:\n    route-reflector: true\n";
    const { problems } = parseManifestText("node.yaml", text);
    expect(problems.map(formatProblem)).toEqual([
      'node.yaml: document 1, line 5: metadata.labels.route-reflector: label value true is a YAML boolean, and Kubernetes labels are strings (the API server refuses it). Quote it: route-reflector: "true"',
    ]);
  });

  it("reports invalid YAML with its line", () => {
    const { problems } = parseManifestText("bad.yaml", "kind: BGPPeer\nspec:\n  peerIP: [1, 2\n");
    expect(problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(problems[0]?.message).toMatch(/^invalid YAML: /);
  });

  it("expands a List and counts its items as documents", () => {
    const text = JSON.stringify({ kind: "List", items: [{ kind: "A" }, { kind: "B" }] }, null, 2);
    const { documents } = parseManifestText("l.json", text);
    expect(documents.map((d) => [d.document, d.object.kind])).toEqual([
      [1, "A"],
      [2, "B"],
    ]);
  });
});
