import type { ObjectMeta } from "../../ObjectMeta.js";
import type { Findings } from "./Issue.js";
import {
  dns1123Hint,
  isDns1123Subdomain,
  isLabelValue,
  maxNameLength,
  qualifiedNameProblem,
} from "./Names.js";

const maxAnnotationBytes = 256 * 1024;
const utf8 = new TextEncoder();

// Label and annotation keys follow the same rule: a Kubernetes qualified name.
function checkKey(
  findings: Findings,
  map: "labels" | "annotations",
  key: string,
  noun: string,
  example: string,
): void {
  const problem = qualifiedNameProblem(key);
  if (problem === undefined) return;
  findings.error(
    `metadata.${map}.${key}`,
    `metadata.${map}.key`,
    "kubernetes",
    `metadata.${map} key ${JSON.stringify(key)} is not a valid ${noun} key: ${problem}; use [prefix/]name, e.g. "${example}"`,
  );
}

/** Metadata rules of libcalico-go (name, generateName) and of the API server (labels, annotations). */
export function checkMetadata(findings: Findings, meta: ObjectMeta): void {
  const { name } = meta;
  if (name === undefined || name === "") {
    if (meta.generateName !== undefined && meta.generateName !== "") {
      findings.error(
        "metadata.generateName",
        "metadata.generateName.unsupported",
        "libcalico-go",
        "metadata.generateName is not supported for Calico resources (libcalico-go requires a fixed name); set metadata.name instead",
      );
    } else {
      findings.error(
        "metadata.name",
        "metadata.name.required",
        "kubernetes",
        'metadata.name is required; give the resource a name such as "peer-to-rrs"',
      );
    }
  } else if (name.length > maxNameLength) {
    findings.error(
      "metadata.name",
      "metadata.name.format",
      "libcalico-go",
      `metadata.name is too long by ${name.length - maxNameLength} characters (at most ${maxNameLength}); shorten it`,
    );
  } else if (!isDns1123Subdomain(name)) {
    findings.error(
      "metadata.name",
      "metadata.name.format",
      "libcalico-go",
      `metadata.name ${JSON.stringify(name)} is not a valid Calico resource name (DNS-1123 subdomain); ${dns1123Hint}`,
    );
  }
  if (meta.namespace !== undefined && meta.namespace !== "") {
    findings.warn(
      "metadata.namespace",
      "metadata.namespace.ignored",
      "kubernetes",
      "metadata.namespace is ignored: Calico BGP and IPAM resources are cluster-scoped; remove it",
    );
  }
  if (meta.labels !== undefined) {
    for (const key in meta.labels) {
      checkKey(findings, "labels", key, "label", "example.com/rack");
      const value = meta.labels[key] ?? "";
      if (!isLabelValue(value)) {
        findings.error(
          `metadata.labels.${key}`,
          "metadata.labels.value",
          "kubernetes",
          `metadata.labels[${JSON.stringify(key)}] value ${JSON.stringify(value)} is not a valid label value; use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or an empty value)`,
        );
      }
    }
  }
  if (meta.annotations !== undefined) {
    let bytes = 0;
    for (const key in meta.annotations) {
      bytes += utf8.encode(key).length + utf8.encode(meta.annotations[key] ?? "").length;
      // libcalico-go checks keys after lower-casing them; the API server checks them as written.
      checkKey(findings, "annotations", key, "annotation", "example.com/owner");
    }
    if (bytes > maxAnnotationBytes) {
      findings.error(
        "metadata.annotations",
        "metadata.annotations.size",
        "kubernetes",
        `metadata.annotations total ${bytes} bytes, more than the 262144 (256 KiB) allowed; move large data elsewhere (e.g. a ConfigMap)`,
      );
    }
  }
}
