/**
 * Where a validation rule comes from. The differential test against the real API server relies on
 * this: whatever calicokit rejects but the API server accepts must come from `libcalico-go`.
 * - `crd-schema`: the CRD's openAPIV3Schema (types, enums, bounds, patterns, formats, list sets).
 * - `crd-cel`: an `x-kubernetes-validations` rule of the CRD.
 * - `kubernetes`: generic API server checks (object metadata).
 * - `libcalico-go`: Calico's Go validator or client, which the API server does not run (§9).
 * - `calicokit`: calicokit's own input hygiene (unknown fields, apiVersion/kind dispatch).
 */
export type IssueSource = "crd-schema" | "crd-cel" | "kubernetes" | "libcalico-go" | "calicokit";

/** One problem (or warning) found in a resource: which field, which rule, what to do. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `spec.peerIP` or `spec.communities[2].value`. */
  readonly path: string;
  /** Names the field, the rule and how to fix it. */
  readonly message: string;
  /** Stable rule id, e.g. `bgppeer.peerIP.format`. */
  readonly rule: string;
  readonly source: IssueSource;
}

/** Collects issues and warnings for one validation run; allocates nothing until something is found. */
export class Findings {
  issues: ValidationIssue[] | undefined;
  warnings: ValidationIssue[] | undefined;

  error(path: string, rule: string, source: IssueSource, message: string): void {
    const issue: ValidationIssue = { path, message, rule, source };
    if (this.issues === undefined) this.issues = [issue];
    else this.issues.push(issue);
  }

  warn(path: string, rule: string, source: IssueSource, message: string): void {
    const issue: ValidationIssue = { path, message, rule, source };
    if (this.warnings === undefined) this.warnings = [issue];
    else this.warnings.push(issue);
  }
}

/** Renders a value for a message: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value));
}
