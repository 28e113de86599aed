import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CalicoClient, type CalicoClientOptions } from "@calicokit/client";
import type { FaultProxy, ProxiedRequest } from "@calicokit/testkit";

/**
 * A kubeconfig (JSON is YAML) for the bearer `token` through testkit's fault proxy: plain HTTP on
 * loopback, which client-node accepts only with TLS verification off.
 */
export function proxyKubeconfig(proxy: FaultProxy, token: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "proxy", cluster: { server: proxy.url, "insecure-skip-tls-verify": true } }],
    users: [{ name: "admin", user: { token } }],
    contexts: [{ name: "proxy", context: { cluster: "proxy", user: "admin" } }],
    "current-context": "proxy",
  });
}

/**
 * A client whose every request goes through testkit's fault proxy (plain HTTP on loopback) as the
 * bearer `token`: faults injected on the proxy reach the workflow exactly as a real server's would.
 */
export async function connectThroughProxy(
  proxy: FaultProxy,
  token: string,
  options: Omit<CalicoClientOptions, "kubeConfig" | "kubeconfigPath" | "context"> = {},
): Promise<CalicoClient> {
  const dir = mkdtempSync(join(tmpdir(), "calicokit-proxied-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, proxyKubeconfig(proxy, token), { mode: 0o600 });
  try {
    return await CalicoClient.connect({ ...options, kubeconfigPath });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The requests that change something (anything but GET, including a watch). */
export function writesIn(requests: readonly ProxiedRequest[]): ProxiedRequest[] {
  return requests.filter((r) => r.method !== "GET");
}
