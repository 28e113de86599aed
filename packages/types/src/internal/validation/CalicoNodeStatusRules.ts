import type { z } from "zod";
import type { CalicoNodeStatusInputSchema } from "../../CalicoNodeStatus.js";
import { checkName } from "./FieldChecks.js";
import type { Findings } from "./Issue.js";

type CalicoNodeStatusInput = z.output<typeof CalicoNodeStatusInputSchema>;

/** libcalico-go's CalicoNodeStatus rules (node, classes, updatePeriodSeconds required and bounded). */
export function checkCalicoNodeStatus(findings: Findings, resource: CalicoNodeStatusInput): void {
  const { spec } = resource;
  if (spec.node === undefined || spec.node === "") {
    findings.error(
      "spec.node",
      "caliconodestatus.node.required",
      "libcalico-go",
      "spec.node is required; set it to the name of the node whose status you want",
    );
  } else {
    checkName(findings, "spec.node", spec.node, "caliconodestatus.node.name");
  }
  if (spec.classes === undefined) {
    findings.error(
      "spec.classes",
      "caliconodestatus.classes.required",
      "libcalico-go",
      'spec.classes is required; list what to report, e.g. ["BGP"] (Agent, BGP, Routes)',
    );
  } else if (spec.classes.length === 0) {
    findings.warn(
      "spec.classes",
      "caliconodestatus.classes.empty",
      "libcalico-go",
      'spec.classes is empty, so calico-node reports nothing; list e.g. ["BGP"]',
    );
  }
  if (spec.updatePeriodSeconds === undefined) {
    findings.error(
      "spec.updatePeriodSeconds",
      "caliconodestatus.updatePeriodSeconds.required",
      "libcalico-go",
      "spec.updatePeriodSeconds is required (calico-node ignores the resource without it); set it, e.g. 10, or 0 for a single report",
    );
  } else if (spec.updatePeriodSeconds < 0 || spec.updatePeriodSeconds > 86400) {
    findings.error(
      "spec.updatePeriodSeconds",
      "caliconodestatus.updatePeriodSeconds.range",
      "libcalico-go",
      `spec.updatePeriodSeconds is ${spec.updatePeriodSeconds}; use a value from 0 (report once) to 86400 seconds`,
    );
  }
  if (resource.status !== undefined) {
    findings.warn(
      "status",
      "caliconodestatus.status.ignored",
      "kubernetes",
      "status is written by calico-node through the status subresource and is dropped on create/update; remove it",
    );
  }
}
