import type { z } from "zod";
import type { CalicoNodeInputSchema } from "../../CalicoNode.js";
import { isGoMac, parseGoAddress, parseGoCidrOrIp } from "../node/GoNet.js";
import { checkAsNumber } from "./FieldChecks.js";
import type { Findings } from "./Issue.js";

type CalicoNodeInput = z.output<typeof CalicoNodeInputSchema>;

// libcalico-go's Node rules (internalapi/node.go validate tags, validator.go validateNodeSpec):
// each field is optional (`omitempty`), and an empty string counts as unset.

/** Go's `ipv4` / `ipv6` tags: net.ParseIP, and To4() decides the family (mapped IPv6 is IPv4). */
function checkIp(findings: Findings, path: string, value: string | undefined, family: 4 | 6) {
  if (!value) return;
  const address = parseGoAddress(value);
  const version = address === undefined ? undefined : parseGoCidrOrIp(value)?.version;
  if (version === family) return;
  findings.error(
    path,
    `node.ipv${family}`,
    "libcalico-go",
    `${path} ${JSON.stringify(value)} is not an IPv${family} address; write a plain address such as ${family === 4 ? "10.0.0.5" : "fd00::5"} (no prefix)`,
  );
}

/** Go's `cidrv4` / `cidrv6` tags (ParseCIDROrIP of the family; host bits allowed). */
function checkCidr(findings: Findings, path: string, value: string | undefined, family: 4 | 6) {
  if (!value || parseGoCidrOrIp(value)?.version === family) return;
  findings.error(
    path,
    `node.cidrv${family}`,
    "libcalico-go",
    `${path} ${JSON.stringify(value)} is not an IPv${family} address or CIDR; write e.g. ${family === 4 ? "10.0.0.5/24" : "fd00::5/64"}`,
  );
}

function checkMac(findings: Findings, path: string, value: string | undefined) {
  if (!value || isGoMac(value)) return;
  findings.error(
    path,
    "node.mac",
    "libcalico-go",
    `${path} ${JSON.stringify(value)} is not a MAC address; write e.g. 66:da:4b:12:3a:7f`,
  );
}

// wgtypes.ParseKey: standard base64 of exactly 32 bytes.
function isWireguardKey(text: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(text) && Buffer.from(text, "base64").length === 32;
}

/** libcalico-go's Node (`projectcalico.org/v3`) rules, as calicoctl applies them to a Node. */
export function checkCalicoNode(findings: Findings, node: CalicoNodeInput): void {
  const { spec, status } = node;
  const bgp = spec.bgp;
  if (bgp !== undefined) {
    const empty =
      bgp.asNumber === undefined &&
      !bgp.ipv4Address &&
      !bgp.ipv6Address &&
      !bgp.ipv4IPIPTunnelAddr &&
      !bgp.routeReflectorClusterID;
    if (empty) {
      findings.error(
        "spec.bgp",
        "node.bgp.empty",
        "libcalico-go",
        "spec.bgp: Spec.BGP should not be empty; give it an ipv4Address or ipv6Address, or remove spec.bgp",
      );
    }
    // stored as the projectcalico.org/ASNumber annotation, a string: no int32 CRD bound applies
    if (bgp.asNumber !== undefined) {
      bgp.asNumber = checkAsNumber(findings, "spec.bgp.asNumber", bgp.asNumber, "uint32");
    }
    checkCidr(findings, "spec.bgp.ipv4Address", bgp.ipv4Address, 4);
    checkCidr(findings, "spec.bgp.ipv6Address", bgp.ipv6Address, 6);
    checkIp(findings, "spec.bgp.ipv4IPIPTunnelAddr", bgp.ipv4IPIPTunnelAddr, 4);
    checkIp(findings, "spec.bgp.routeReflectorClusterID", bgp.routeReflectorClusterID, 4);
  }
  checkIp(findings, "spec.ipv4VXLANTunnelAddr", spec.ipv4VXLANTunnelAddr, 4);
  checkIp(findings, "spec.ipv6VXLANTunnelAddr", spec.ipv6VXLANTunnelAddr, 6);
  checkMac(findings, "spec.vxlanTunnelMACAddr", spec.vxlanTunnelMACAddr);
  checkMac(findings, "spec.vxlanTunnelMACAddrV6", spec.vxlanTunnelMACAddrV6);
  checkIp(findings, "spec.wireguard.interfaceIPv4Address", spec.wireguard?.interfaceIPv4Address, 4);
  checkIp(findings, "spec.wireguard.interfaceIPv6Address", spec.wireguard?.interfaceIPv6Address, 6);
  // spec.addresses, spec.interfaces and spec.orchRefs are slices without `dive`: the validator
  // does not look inside them (the Calico view lists bgp.ipv4Address, prefix and all, there)
  for (const key of ["wireguardPublicKey", "wireguardPublicKeyV6"] as const) {
    const value = status?.[key];
    if (value && !isWireguardKey(value)) {
      findings.error(
        `status.${key}`,
        "node.wireguardPublicKey",
        "libcalico-go",
        `status.${key} is not a WireGuard public key (base64 of 32 bytes); leave it to Felix, which writes it`,
      );
    }
  }
}
