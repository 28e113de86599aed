import { parseASNumber } from "../../ASNumber.js";
import { goDurationHint, parseGoDuration } from "../../GoDuration.js";
import { parseSelector } from "../../Selector.js";
import { type Cidr, isKubernetesCidr, isMasked, parseGoCidrText } from "./IpAddress.js";
import type { Findings } from "./Issue.js";
import { dns1123Hint, isDns1123Subdomain } from "./Names.js";

// Checks of single fields shared by several kinds. Each pushes at most one issue and names the
// field, the rule and the fix.

/** How AS numbers above 2^31-1 are treated (the installed CRDs decide; see checkAsNumber). */
export type AsNumberRange = "int32" | "uint32";

const int32Max = 2147483647;

/**
 * An AS number as libcalico-go reads it (uint32, plain or asdot), bounded by the CRDs: at this
 * Calico release every CRD stores AS numbers as int32, so the API server rejects values above
 * 2^31-1. Returns the plain number to store, or undefined when invalid.
 */
export function checkAsNumber(
  findings: Findings,
  path: string,
  value: number | string,
  range: AsNumberRange,
): number | undefined {
  const parsed = parseASNumber(value);
  if (!parsed.ok) {
    findings.error(path, "asnumber.format", "libcalico-go", `${path}: ${parsed.message}`);
    return undefined;
  }
  if (parsed.value > int32Max) {
    const message = `${path}: ${parsed.warning ?? `AS number ${parsed.value} is above ${int32Max}.`}`;
    if (range === "int32") {
      findings.error(
        path,
        "asnumber.int32",
        "crd-schema",
        `${message} (To accept it, validate with { asNumberRange: "uint32" } once such CRDs are installed.)`,
      );
      return undefined;
    }
    findings.warn(path, "asnumber.int32", "crd-schema", message);
  }
  return parsed.value;
}

/** A Calico `name` field (DNS-1123 subdomain), e.g. BGPPeer `spec.node`. */
export function checkName(findings: Findings, path: string, value: string, rule: string): void {
  if (!isDns1123Subdomain(value)) {
    findings.error(
      path,
      rule,
      "libcalico-go",
      `${path} ${JSON.stringify(value)} is not a valid Calico name (DNS-1123 subdomain); ${dns1123Hint}`,
    );
  }
}

// Verdicts on selector texts seen before ("" = valid): the same few selectors are validated over
// and over, and a syntax error is costly to produce (it is thrown).
const selectorVerdicts = new Map<string, string>();
const maxRemembered = 1024;

function selectorProblem(text: string): string {
  try {
    parseSelector(text);
    return "";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A Calico selector (nodeSelector, peerSelector, ...), checked with Calico's grammar. */
export function checkSelector(findings: Findings, path: string, value: string): void {
  let problem = selectorVerdicts.get(value);
  if (problem === undefined) {
    problem = selectorProblem(value);
    if (selectorVerdicts.size >= maxRemembered) selectorVerdicts.clear();
    selectorVerdicts.set(value, problem);
  }
  if (problem !== "") {
    findings.error(
      path,
      "selector.syntax",
      "libcalico-go",
      `${path} is not a valid selector: ${problem}`,
    );
  }
}

/** A Go duration string (metav1.Duration), e.g. BGPPeer `spec.maxRestartTime`. */
export function checkDuration(findings: Findings, path: string, value: string): void {
  if (parseGoDuration(value) === undefined) {
    findings.error(
      path,
      "duration.format",
      "libcalico-go",
      `${path} ${JSON.stringify(value)} is not a Go duration, so Calico cannot decode it; ${goDurationHint}`,
    );
  }
}

/** A field with CRD `format: cidr` (the API server's own check). Returns true if it passed. */
export function checkCidrFormat(findings: Findings, path: string, value: string): boolean {
  if (isKubernetesCidr(value)) return true;
  findings.error(
    path,
    "crd.format.cidr",
    "crd-schema",
    `${path} ${JSON.stringify(value)} is not a CIDR (CRD format: cidr); write an address and prefix length such as "10.0.0.0/16" or "fd00::/64"`,
  );
  return false;
}

/**
 * libcalico-go's `net` validator: a strictly masked CIDR (a bare IP also passes Go, but fields
 * with this rule also have CRD `format: cidr`, checked first). Call after checkCidrFormat passed.
 */
export function checkStrictNetwork(
  findings: Findings,
  path: string,
  value: string,
): Cidr | undefined {
  const cidr = parseGoCidrText(value);
  if (cidr === undefined) {
    findings.error(
      path,
      "net.parse",
      "libcalico-go",
      `${path} ${JSON.stringify(value)} is not a CIDR Go can parse (no leading zeros in IPv4 octets); write it like "10.0.0.0/16"`,
    );
    return undefined;
  }
  if (!isMasked(cidr)) {
    findings.error(
      path,
      "net.masked",
      "libcalico-go",
      `${path} ${JSON.stringify(value)} is not strictly masked (host bits are set below the prefix length); use the network address, e.g. "10.0.0.0/16" instead of "10.0.1.5/16"`,
    );
    return undefined;
  }
  return cidr;
}
