import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ControlPlaneInfo,
  createNamespace,
  grant,
  KubeHttp,
  type PolicyRule,
  renderKubeconfig,
  serviceAccountToken,
  uniqueName,
} from "@calicokit/testkit";
// brings in the typing of inject("controlPlanes")
import type {} from "@calicokit/testkit/vitest-global-setup";
import { afterAll } from "vitest";
import { parseAllDocuments } from "yaml";
import { jsonLogger } from "../src/Logger.js";
import { type RunningServer, type ServerModule, startServer } from "../src/Server.js";

/** This test file's kubeconfigs, removed after its tests. */
const scratch = mkdtempSync(join(tmpdir(), "calicokit-server-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const deployDir = join(import.meta.dirname, "../../../deploy");

/** The manifests that run the service: deploy/server plus the migration ClusterRole it binds. */
export function deployManifests(): { file: string; object: Record<string, unknown> }[] {
  const files = [
    "server/namespace.yaml",
    "server/serviceaccount.yaml",
    "rbac/migration.yaml",
    "server/clusterrole.yaml",
    "server/role.yaml",
    "server/users-clusterrole.yaml",
    "server/deployment.yaml",
    "server/service.yaml",
  ];
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(deployDir, file), "utf8")).map((doc) => ({
      file,
      object: doc.toJS() as Record<string, unknown>,
    })),
  );
}

/** The rules of one Role or ClusterRole of those manifests, by kind and name. */
export function deployRules(kind: "Role" | "ClusterRole", name: string): PolicyRule[] {
  const found = deployManifests().find(
    ({ object }) => object.kind === kind && (object.metadata as { name: string }).name === name,
  );
  if (found === undefined) throw new Error(`deploy/ has no ${kind} ${name}`);
  return found.object.rules as PolicyRule[];
}

export interface TestServer extends RunningServer {
  /** The journal namespace (unique per server group). */
  readonly namespace: string;
  /** JSON log lines the server wrote. */
  readonly logs: string[];
  /** The server's ServiceAccount kubeconfig (for more replicas). */
  readonly kubeconfigPath: string;
}

/**
 * A ServiceAccount bound only to deploy/server's ClusterRole and Role (the Role in `namespace`),
 * and a kubeconfig file for it: the identity the service runs with in the tests.
 */
export async function serverKubeconfig(cp: ControlPlaneInfo, namespace: string): Promise<string> {
  const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
  try {
    await createNamespace(admin, namespace);
    const name = "calicokit-server";
    const token = await serviceAccountToken(admin, namespace, name);
    const subject = { kind: "ServiceAccount" as const, name, namespace };
    await grant(admin, {
      name: `${namespace}-server`,
      subject,
      rules: [
        ...deployRules("ClusterRole", "calicokit-migration"),
        ...deployRules("ClusterRole", "calicokit-server"),
      ],
    });
    await grant(admin, {
      name: "calicokit-server",
      namespace,
      subject,
      rules: deployRules("Role", "calicokit-server"),
    });
    const file = join(scratch, `${uniqueName(namespace)}.kubeconfig`);
    writeFileSync(
      file,
      renderKubeconfig({ url: cp.url, caData: cp.caData, user: `${namespace}-server`, token }),
    );
    return file;
  } finally {
    admin.close();
  }
}

/** Starts a server in this process on a free loopback port, as deploy/server's ServiceAccount. */
export async function startTestServer(
  cp: ControlPlaneInfo,
  options: {
    readonly namespace?: string;
    readonly kubeconfigPath?: string;
    readonly modules?: readonly ServerModule[];
    readonly bodyLimitBytes?: number;
  } = {},
): Promise<TestServer> {
  const namespace = options.namespace ?? uniqueName("srv");
  const kubeconfigPath = options.kubeconfigPath ?? (await serverKubeconfig(cp, namespace));
  const logs: string[] = [];
  const server = await startServer(
    {
      kubeconfigPath,
      host: "127.0.0.1",
      port: 0,
      namespace,
      bodyLimitBytes: options.bodyLimitBytes ?? 65_536,
      requestTimeoutMs: 60_000,
    },
    { logger: jsonLogger((line) => logs.push(line)), modules: options.modules ?? [] },
  );
  return { ...server, namespace, logs, kubeconfigPath };
}

/**
 * A caller: a ServiceAccount in `namespace` with `rules` cluster-wide (none: authenticated but
 * allowed nothing). Returns its bearer token.
 */
export async function caller(
  cp: ControlPlaneInfo,
  namespace: string,
  name: string,
  rules: readonly PolicyRule[],
): Promise<string> {
  const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
  try {
    const token = await serviceAccountToken(admin, namespace, name);
    if (rules.length > 0) {
      await grant(admin, {
        name: `${namespace}-${name}`,
        subject: { kind: "ServiceAccount", name, namespace },
        rules,
      });
    }
    return token;
  } finally {
    admin.close();
  }
}

/** The migrations permissions a caller may hold. */
export function migrationRights(...verbs: string[]): PolicyRule {
  return { apiGroups: ["calicokit.io"], resources: ["migrations"], verbs };
}

/** One Server-Sent Event as received. */
export interface ReceivedEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * Reads an event stream until `until` says stop or the stream ends; parses frames as the SSE
 * spec does (id, event, data lines; comments ignored).
 */
export async function readEvents(
  url: string,
  token: string,
  options: { readonly lastEventId?: number; readonly until?: (e: ReceivedEvent) => boolean } = {},
): Promise<ReceivedEvent[]> {
  const controller = new AbortController();
  const res = await fetch(url, {
    signal: controller.signal,
    headers: {
      authorization: `Bearer ${token}`,
      accept: "text/event-stream",
      ...(options.lastEventId === undefined
        ? {}
        : { "last-event-id": String(options.lastEventId) }),
    },
  });
  if (res.status !== 200 || res.body === null) {
    throw new Error(`events: HTTP ${res.status} ${await res.text()}`);
  }
  const events: ReceivedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        let id: string | undefined;
        let event = "message";
        const data: string[] = [];
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          const [field, ...rest] = line.split(":");
          const value = rest.join(":").replace(/^ /, "");
          if (field === "id") id = value;
          else if (field === "event") event = value;
          else if (field === "data") data.push(value);
        }
        if (data.length === 0) continue;
        const received = { id, event, data: data.join("\n") };
        events.push(received);
        if (options.until?.(received)) return events;
      }
    }
    return events;
  } finally {
    controller.abort();
  }
}

/** A calicokit-server process started from the sources (`src/main.ts`). */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** stdout (JSON log lines) so far. */
  readonly output: () => string;
}

const serverDir = join(import.meta.dirname, "..");

/**
 * Starts calicokit-server as its own process on a free loopback port, from the TypeScript
 * sources of it and the workspace packages (Node strips the types; no build needed); resolves
 * once it listens.
 */
export async function spawnServer(
  kubeconfigPath: string,
  namespace: string,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      "--experimental-transform-types",
      "--no-warnings",
      "--conditions=@calicokit/source",
      "--import",
      join(serverDir, "test/source-loader/register.mjs"),
      join(serverDir, "src/main.ts"),
      "--kubeconfig",
      kubeconfigPath,
      "--listen",
      "127.0.0.1:0",
      "--namespace",
      namespace,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const listening = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { msg: string; url?: string })
        .find((l) => l.msg === "listening");
      if (listening?.url) resolve(listening.url);
    };
    child.stdout?.on("data", look);
    child.once("exit", (code) =>
      reject(new Error(`calicokit-server exited (${code}): ${err}${out}`)),
    );
  });
  return { url, child, output: () => out };
}

/** Polls `check` until it returns a value (not undefined); fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
