import { checkCidrFormat } from "./FieldChecks.js";
import type { Findings } from "./Issue.js";

// BlockAffinity and ClusterInformation are written by Calico itself (IPAM, calico-node);
// calicokit validates them but warns that hand-written changes fight Calico.

/** BlockAffinity (v3 form): CRD `format: cidr` on spec.cidr, and a warning. */
export function checkBlockAffinity(findings: Findings, cidr: string, v3: boolean): void {
  if (v3) checkCidrFormat(findings, "spec.cidr", cidr);
  findings.warn(
    "spec",
    "blockaffinity.managed",
    "calicokit",
    "BlockAffinity is managed by Calico IPAM; writing it by hand can corrupt IP allocation (use calicoctl ipam commands instead)",
  );
}

/** ClusterInformation: Calico only reads the one named "default", and maintains it itself. */
export function checkClusterInformation(findings: Findings, name: string): void {
  if (name !== "default" && name !== "") {
    findings.warn(
      "metadata.name",
      "clusterinformation.name",
      "calicokit",
      `ClusterInformation ${JSON.stringify(name)} is not read by Calico (only "default" is); rename it to "default"`,
    );
  }
  findings.warn(
    "spec",
    "clusterinformation.managed",
    "calicokit",
    "ClusterInformation is maintained by calico-node and calico-kube-controllers; hand-written changes are overwritten",
  );
}
