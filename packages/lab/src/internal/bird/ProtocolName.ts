/**
 * The IP as it appears in a BIRD protocol name (`Mesh_<ip>`, `Global_<ip>`, `Node_<ip>`): `.`
 * and `:` become `_`, as calico-node's templates write it.
 * @example
 * ```ts
 * ipForProtocolName("10.0.0.1"); // "10_0_0_1"
 * ```
 */
export function ipForProtocolName(ip: string): string {
  return ip.replaceAll(".", "_").replaceAll(":", "_");
}
