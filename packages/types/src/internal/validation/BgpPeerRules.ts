import type { z } from "zod";
import type { BgpPeerInputSchema } from "../../BgpPeer.js";
import { parsePeerAddress } from "../../PeerAddress.js";
import { checkAsNumber, checkDuration, checkName, checkSelector } from "./FieldChecks.js";
import { goIpVersion } from "./IpAddress.js";
import type { Findings } from "./Issue.js";
import type { RuleOptions } from "./RuleOptions.js";

type BgpPeerSpec = z.output<typeof BgpPeerInputSchema>["spec"];

const peerAddressForms =
  'write an IP ("10.0.0.1"), "IPv4:port" ("10.0.0.1:179") or "[IPv6]:port" ("[fd00::1]:179")';

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}

/** CEL rules of the BGPPeer CRD and libcalico-go's BGPPeer checks; normalises AS numbers. */
export function checkBgpPeer(findings: Findings, spec: BgpPeerSpec, options: RuleOptions): void {
  // AS numbers first: the CEL rules compare the stored integer.
  let asNumber: number | undefined;
  if (spec.asNumber !== undefined) {
    asNumber = checkAsNumber(findings, "spec.asNumber", spec.asNumber, options.asNumberRange);
    if (asNumber !== undefined) spec.asNumber = asNumber;
  }
  if (spec.localASNumber !== undefined) {
    const local = checkAsNumber(
      findings,
      "spec.localASNumber",
      spec.localASNumber,
      options.asNumberRange,
    );
    if (local !== undefined) spec.localASNumber = local;
  }
  const hasAsNumber = spec.asNumber !== undefined && asNumber !== 0;

  // x-kubernetes-validations of the CRD, in the CRD's order, with its messages.
  if (isSet(spec.node) && isSet(spec.nodeSelector)) {
    findings.error(
      "spec.nodeSelector",
      "bgppeer.cel.node-nodeSelector",
      "crd-cel",
      "spec.nodeSelector: node and nodeSelector cannot both be set; keep spec.node to peer from one node, or spec.nodeSelector to peer from every node it selects",
    );
  }
  if (isSet(spec.peerIP) && isSet(spec.peerSelector)) {
    findings.error(
      "spec.peerSelector",
      "bgppeer.cel.peerIP-peerSelector",
      "crd-cel",
      "spec.peerSelector: peerIP and peerSelector cannot both be set; use spec.peerIP for one external peer, or spec.peerSelector to peer with the Calico nodes it selects",
    );
  }
  if (isSet(spec.peerSelector) && hasAsNumber) {
    findings.error(
      "spec.asNumber",
      "bgppeer.cel.asNumber-peerSelector",
      "crd-cel",
      "spec.asNumber: asNumber must be empty when peerSelector is set; remove spec.asNumber (the remote AS comes from each selected node, or the default BGPConfiguration)",
    );
  }
  if (isSet(spec.localWorkloadSelector)) {
    if (isSet(spec.peerIP)) {
      findings.error(
        "spec.peerIP",
        "bgppeer.cel.peerIP-localWorkloadSelector",
        "crd-cel",
        "spec.peerIP: peerIP must be empty when localWorkloadSelector is set; remove spec.peerIP (the workloads' own addresses are used)",
      );
    }
    if (isSet(spec.peerSelector)) {
      findings.error(
        "spec.peerSelector",
        "bgppeer.cel.peerSelector-localWorkloadSelector",
        "crd-cel",
        "spec.peerSelector: peerSelector must be empty when localWorkloadSelector is set; remove one of the two",
      );
    }
    if (!hasAsNumber) {
      findings.error(
        "spec.asNumber",
        "bgppeer.cel.asNumber-localWorkloadSelector",
        "crd-cel",
        "spec.asNumber: asNumber is required when localWorkloadSelector is set; set spec.asNumber to the workloads' AS number (not 0)",
      );
    }
  }
  if (isSet(spec.reachableBy) && !isSet(spec.peerIP)) {
    findings.error(
      "spec.reachableBy",
      "bgppeer.cel.reachableBy-peerIP",
      "crd-cel",
      "spec.reachableBy: reachableBy must be empty when peerIP is empty; set spec.peerIP or remove spec.reachableBy",
    );
  }
  if (spec.keepOriginalNextHop === true) {
    if (spec.nextHopMode !== undefined) {
      findings.error(
        "spec.keepOriginalNextHop",
        "bgppeer.cel.keepOriginalNextHop-nextHopMode",
        "crd-cel",
        "spec.keepOriginalNextHop: keepOriginalNextHop and nextHopMode cannot both be set; keepOriginalNextHop is deprecated, use nextHopMode instead (remove keepOriginalNextHop; nextHopMode: Keep does the same)",
      );
    } else {
      findings.warn(
        "spec.keepOriginalNextHop",
        "bgppeer.keepOriginalNextHop.deprecated",
        "crd-schema",
        "spec.keepOriginalNextHop is deprecated; use nextHopMode: Keep instead",
      );
    }
  }

  // libcalico-go checks the API server does not make.
  if (isSet(spec.node)) checkName(findings, "spec.node", spec.node, "bgppeer.node.name");
  if (isSet(spec.nodeSelector)) checkSelector(findings, "spec.nodeSelector", spec.nodeSelector);
  if (isSet(spec.peerSelector)) checkSelector(findings, "spec.peerSelector", spec.peerSelector);
  if (isSet(spec.localWorkloadSelector)) {
    checkSelector(findings, "spec.localWorkloadSelector", spec.localWorkloadSelector);
  }
  let peerVersion: 0 | 4 | 6 = 0;
  if (isSet(spec.peerIP)) {
    const peer = parsePeerAddress(spec.peerIP);
    if (peer.ok && peer.port !== 0) {
      peerVersion = peer.version;
    } else {
      // processIPPort refuses a written port of 0, which the parser leaves to its callers.
      const problem = peer.ok ? "the port must be at least 1" : peer.reason;
      findings.error(
        "spec.peerIP",
        "bgppeer.peerIP.format",
        "libcalico-go",
        `spec.peerIP ${JSON.stringify(spec.peerIP)} is not a valid peer address: ${problem}; ${peerAddressForms}`,
      );
    }
  }
  if (isSet(spec.reachableBy)) {
    const gatewayVersion = goIpVersion(spec.reachableBy);
    if (gatewayVersion === 0) {
      findings.error(
        "spec.reachableBy",
        "bgppeer.reachableBy.format",
        "libcalico-go",
        `spec.reachableBy ${JSON.stringify(spec.reachableBy)} is not an IP address; write the gateway's address without a port, e.g. "10.0.0.254"`,
      );
    } else if (peerVersion !== 0 && gatewayVersion !== peerVersion) {
      findings.error(
        "spec.reachableBy",
        "bgppeer.reachableBy.family",
        "libcalico-go",
        `spec.reachableBy is an IPv${gatewayVersion} address but spec.peerIP is IPv${peerVersion} (ReachableBy and PeerIP address family mismatched); use a gateway of the peer's address family`,
      );
    }
  }
  if (spec.ttlSecurity !== undefined && (spec.ttlSecurity < 0 || spec.ttlSecurity > 255)) {
    findings.error(
      "spec.ttlSecurity",
      "bgppeer.ttlSecurity.uint8",
      "libcalico-go",
      `spec.ttlSecurity is ${spec.ttlSecurity}, but Calico stores it as uint8 (0-255) and its components fail to decode larger values; use a hop count from 0 (off) to 255`,
    );
  }
  if (spec.filters !== undefined) {
    for (let i = 0; i < spec.filters.length; i++) {
      checkName(findings, `spec.filters[${i}]`, spec.filters[i] ?? "", "bgppeer.filters.name");
    }
  }
  if (spec.maxRestartTime !== undefined)
    checkDuration(findings, "spec.maxRestartTime", spec.maxRestartTime);
  if (spec.keepaliveTime !== undefined)
    checkDuration(findings, "spec.keepaliveTime", spec.keepaliveTime);
  const secretKeyRef = spec.password?.secretKeyRef;
  if (secretKeyRef !== undefined && !isSet(secretKeyRef.name)) {
    findings.warn(
      "spec.password.secretKeyRef.name",
      "secretKeyRef.name.empty",
      "crd-schema",
      "spec.password.secretKeyRef.name is empty, which is almost certainly wrong; name the Secret (in calico-node's namespace) that holds the password",
    );
  }
}
