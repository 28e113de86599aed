import type { z } from "zod";
import type { BgpFilterInputSchema } from "../../BgpFilter.js";
import { checkCidrFormat, checkStrictNetwork } from "./FieldChecks.js";
import { goCidrVersion } from "./IpAddress.js";
import type { Findings } from "./Issue.js";

type BgpFilterSpec = z.output<typeof BgpFilterInputSchema>["spec"];
type BgpFilterRule = NonNullable<BgpFilterSpec["exportV4"]>[number];

const lists = [
  ["exportV4", 4],
  ["importV4", 4],
  ["exportV6", 6],
  ["importV6", 6],
] as const;

// libcalico-go's filter interface pattern: confd writes the value into BIRD's config unescaped
// (`ifname ~ "..."`), so anything else could break or inject configuration on every node.
const interfacePattern = /^[a-zA-Z0-9_.*-]{1,15}$/;

/**
 * Per-rule CEL rules of the BGPFilter CRD, the one-operation rule, the CIDR family, the
 * interface pattern and unsigned AS numbers (libcalico-go's types are uint32).
 */
export function checkBgpFilter(findings: Findings, spec: BgpFilterSpec): void {
  for (const [list, family] of lists) {
    const rules = spec[list] ?? [];
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (rule !== undefined) checkRule(findings, `spec.${list}[${i}]`, rule, family);
    }
  }
}

function checkRule(findings: Findings, path: string, rule: BgpFilterRule, family: 4 | 6): void {
  const hasCidr = rule.cidr !== undefined && rule.cidr !== "";
  const hasOperator = rule.matchOperator !== undefined;
  if (hasCidr !== hasOperator) {
    findings.error(
      hasCidr ? `${path}.matchOperator` : `${path}.cidr`,
      "bgpfilter.cel.cidr-matchOperator",
      "crd-cel",
      `${path}: cidr and matchOperator must both be set or both be empty; ${hasCidr ? "add matchOperator (Equal, NotEqual, In or NotIn)" : "add the cidr to match, or remove matchOperator"}`,
    );
  }
  if (rule.prefixLength !== undefined && !hasCidr) {
    findings.error(
      `${path}.prefixLength`,
      "bgpfilter.cel.prefixLength-cidr",
      "crd-cel",
      `${path}.prefixLength: cidr is required when prefixLength is set; add cidr and matchOperator, or remove prefixLength`,
    );
  }
  const operations = rule.operations ?? [];
  if (operations.length > 0 && rule.action !== "Accept") {
    findings.error(
      `${path}.operations`,
      "bgpfilter.cel.operations-accept",
      "crd-cel",
      `${path}.operations: operations may only be used with action Accept; remove the operations or change the action`,
    );
  }
  for (let j = 0; j < operations.length; j++) {
    const operation = operations[j] ?? {};
    let count = 0;
    for (const key in operation)
      if (operation[key as keyof typeof operation] !== undefined) count++;
    if (count !== 1) {
      findings.error(
        `${path}.operations[${j}]`,
        "bgpfilter.operation.one-of",
        "crd-schema",
        `${path}.operations[${j}] must set exactly one of addCommunity, prependASPath or setPriority (it sets ${count}); split it into one operation per entry`,
      );
    }
  }
  if (hasCidr && rule.cidr !== undefined && checkCidrFormat(findings, `${path}.cidr`, rule.cidr)) {
    const cidr = checkStrictNetwork(findings, `${path}.cidr`, rule.cidr);
    const version = cidr === undefined ? undefined : goCidrVersion(cidr);
    if (cidr !== undefined && version !== family) {
      const mapped = cidr.family === 6 && version === 4 ? " (IPv4-mapped IPv6)" : "";
      findings.error(
        `${path}.cidr`,
        "bgpfilter.cidr.family",
        "libcalico-go",
        `${path}.cidr ${JSON.stringify(rule.cidr)} is an IPv${version} CIDR${mapped} in an IPv${family} rule list; move the rule to the ${version === 4 ? "exportV4/importV4" : "exportV6/importV6"} list`,
      );
    }
  }
  if (rule.interface !== undefined && !interfacePattern.test(rule.interface)) {
    findings.error(
      `${path}.interface`,
      "bgpfilter.interface.pattern",
      "libcalico-go",
      `${path}.interface ${JSON.stringify(rule.interface)} must be 1-15 of letters, digits and _ . * - (an interface name, * as a wildcard); confd writes it into BIRD's config as is`,
    );
  }
  const asNumbers: [string, readonly number[] | undefined][] = [
    [`${path}.asPathPrefix`, rule.asPathPrefix],
    ...operations.map((op, j): [string, readonly number[] | undefined] => [
      `${path}.operations[${j}].prependASPath.prefix`,
      op.prependASPath?.prefix,
    ]),
  ];
  for (const [listPath, values] of asNumbers) {
    (values ?? []).forEach((value, k) => {
      if (value < 0) {
        findings.error(
          `${listPath}[${k}]`,
          "bgpfilter.asnumber.unsigned",
          "libcalico-go",
          `${listPath}[${k}] is ${value}: AS numbers are unsigned (Calico's type is uint32, and its clients cannot decode a negative one); use 0-2147483647 (the CRD stores int32)`,
        );
      }
    });
  }
}
