import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { installCalicoCrds } from "./CalicoCrds.js";
import { ManagedProcess, startReaper } from "./internal/ManagedProcess.js";
import { freePort, portInUse } from "./internal/ports.js";
import { readServingCa } from "./internal/ServingCa.js";
import { renderKubeconfig } from "./Kubeconfig.js";
import { KubeHttp } from "./KubeHttp.js";
import { TestkitError } from "./TestkitError.js";
import { binaryPath } from "./ToolPaths.js";

/** Which Calico API the control plane serves: the v1 storage CRDs, the v3 CRDs, or none. */
export type CalicoApi = "v1" | "v3" | "none";

export interface ControlPlaneOptions {
  readonly calicoApi: CalicoApi;
  /**
   * Fixed ports instead of free ones (a taken port fails with `PortInUse`). A free one picked by
   * the testkit and taken before etcd or the apiserver binds it is picked anew.
   */
  readonly ports?: {
    readonly etcd?: number;
    readonly etcdPeer?: number;
    readonly apiserver?: number;
  };
  /** Budget for etcd + apiserver readiness and CRD establishment. Default 90 s. */
  readonly startTimeoutMs?: number;
  /** Parent folder of the control plane's scratch folder. Default: the OS temp folder. */
  readonly workDir?: string;
}

/** One identity of the control plane, with a ready kubeconfig file. */
export interface ControlPlaneUser {
  readonly name: string;
  readonly token: string;
  readonly kubeconfigPath: string;
  readonly kubeconfig: string;
}

/**
 * Everything needed to reach a running control plane; plain data, so a vitest global setup can
 * hand it to test workers (`provide` / `inject`).
 */
export interface ControlPlaneInfo {
  readonly url: string;
  /** PEM of the apiserver's self-signed CA. */
  readonly caData: string;
  readonly calicoApi: CalicoApi;
  readonly dataDir: string;
  /** Member of `system:masters`. */
  readonly admin: ControlPlaneUser;
  /** Only discovery rights until something binds a role to user `restricted`. */
  readonly restricted: ControlPlaneUser;
  readonly pids: { readonly etcd: number; readonly apiserver: number };
}

/** How `restartApiserver` ends the running kube-apiserver. */
export interface RestartApiserverOptions {
  /** `SIGTERM` (default): a graceful shutdown, as in a rolling update; `SIGKILL`: a crash. */
  readonly signal?: "SIGTERM" | "SIGKILL";
}

export interface ControlPlane extends ControlPlaneInfo {
  /** A raw client as admin (or as another token). */
  http(token?: string): KubeHttp;
  /**
   * Ends kube-apiserver only (etcd and its data stay), starts it again on the same port with the
   * same certificate, tokens and flags, and resolves once it serves again (Calico's CRDs
   * included). Clients holding `url` and `caData` reconnect without change; `pids.apiserver`
   * names the new process.
   */
  restartApiserver(options?: RestartApiserverOptions): Promise<void>;
  /**
   * Freezes kube-apiserver (SIGSTOP) for `ms` and then lets it run again (SIGCONT): connections
   * stay open but nothing answers, as with a stalled server. Every thread is stopped by the time
   * the call returns, so a request made right after it waits for the pause. Resolves once it
   * runs again.
   */
  pauseApiserver(ms: number): Promise<void>;
  /** SIGTERM apiserver then etcd (SIGKILL after 20 s) and remove the scratch folder. Idempotent. */
  stop(): Promise<void>;
}

/** The restricted user's name and group, as the token file declares them. */
export const restrictedUser = { name: "restricted", group: "e2e:restricted" } as const;

/**
 * Starts etcd and kube-apiserver (RBAC, token auth) on loopback, installs the chosen Calico CRD
 * set and waits until the CRDs are Established: envtest's pattern, with Calico.
 *
 * @example
 * ```ts
 * const cp = await startControlPlane({ calicoApi: "v3" })
 * try {
 *   const res = await cp.http().request({ method: "GET", path: "/apis/projectcalico.org/v3/bgppeers" })
 * } finally {
 *   await cp.stop()
 * }
 * ```
 */
export function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  return startControlPlaneOn(options, freePort);
}

/** How many times a start may meet a port it picked taken by the time etcd or the apiserver binds. */
const portPickAttempts = 5;

/**
 * `startControlPlane` with the picker of free ports as a seam. A picked port is only free until
 * the picker closes it; any process (often an outgoing connection, which takes its local port
 * from the same range) can take it before etcd or the apiserver binds it. Such a start is thrown
 * away whole and tried again on fresh ports, as envtest does; a fixed port is never re-picked.
 */
export async function startControlPlaneOn(
  options: ControlPlaneOptions,
  pickPort: () => Promise<number>,
): Promise<ControlPlane> {
  const budgetMs = options.startTimeoutMs ?? 90_000;
  const deadline = Date.now() + budgetMs;
  const fixed = options.ports ?? {};
  const picksAPort =
    fixed.etcd === undefined || fixed.etcdPeer === undefined || fixed.apiserver === undefined;
  for (let attempt = 1; ; attempt++) {
    // checked anew on each attempt: a fixed port taken meanwhile is named, not retried
    await refuseTakenPorts(fixed);
    try {
      return await startAttempt(options, pickPort, budgetMs, deadline);
    } catch (error) {
      const portTaken = error instanceof TestkitError && error._tag === "PortInUse";
      const retry = portTaken && picksAPort && attempt < portPickAttempts && Date.now() < deadline;
      if (!retry) throw error;
    }
  }
}

/** One start on newly chosen ports; on failure everything it began is stopped and removed. */
async function startAttempt(
  options: ControlPlaneOptions,
  pickPort: () => Promise<number>,
  budgetMs: number,
  deadline: number,
): Promise<ControlPlane> {
  const etcdBin = binaryPath("etcd");
  const apiserverBin = binaryPath("kube-apiserver");
  const ports = {
    etcd: options.ports?.etcd ?? (await pickPort()),
    etcdPeer: options.ports?.etcdPeer ?? (await pickPort()),
    apiserver: options.ports?.apiserver ?? (await pickPort()),
  };

  const parent = options.workDir ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dataDir = mkdtempSync(join(parent, "calicokit-cp-"));
  const url = `https://127.0.0.1:${ports.apiserver}`;
  const adminToken = randomBytes(24).toString("hex");
  const restrictedToken = randomBytes(24).toString("hex");
  let etcd: ManagedProcess | undefined;
  let apiserver: ManagedProcess | undefined;
  let stopReaper = () => {};
  let stopped = false;

  // apiserver first: it hangs in shutdown once etcd is gone
  const watchProcesses = () => {
    stopReaper();
    const groups = [apiserver, etcd].flatMap((p) => (p === undefined ? [] : [p.pid]));
    stopReaper = startReaper(process.pid, groups, dataDir);
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await apiserver?.stop();
    await etcd?.stop();
    stopReaper();
    rmSync(dataDir, { recursive: true, force: true });
  };

  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const pki = join(dataDir, "pki");
  const apiserverArgs = [
    `--etcd-servers=${etcdUrl}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${pki}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${join(dataDir, "sa.pub")}`,
    `--service-account-signing-key-file=${join(dataDir, "sa.key")}`,
    `--token-auth-file=${join(dataDir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    "--anonymous-auth=false",
    "--disable-admission-plugins=ServiceAccount",
    "--allow-privileged=true",
    "--profiling=false",
  ];

  /**
   * Starts kube-apiserver and waits until it serves; returns the CA a TLS handshake was verified
   * with. A restart may meet its own port still held for a moment: it then tries again.
   */
  const launchApiserver = async (deadline: number, restarting: boolean): Promise<string> => {
    for (;;) {
      apiserver = ManagedProcess.start(
        "kube-apiserver",
        apiserverBin,
        apiserverArgs,
        join(dataDir, "kube-apiserver.log"),
      );
      watchProcesses();
      try {
        return await waitForApiserver(
          apiserver,
          join(pki, "apiserver.crt"),
          url,
          adminToken,
          deadline,
        );
      } catch (error) {
        const portHeld = error instanceof TestkitError && error._tag === "PortInUse";
        if (!(restarting && portHeld && Date.now() < deadline && !stopped)) throw error;
      }
    }
  };

  /** Creates Calico's CRDs (409 when they exist) and waits until each is served. */
  const serveCrds = async (caData: string, deadline: number) => {
    if (options.calicoApi === "none") return;
    const admin = new KubeHttp({ url, caData, token: adminToken });
    try {
      await installCalicoCrds(admin, options.calicoApi, deadline);
    } finally {
      admin.close();
    }
  };

  try {
    etcd = ManagedProcess.start(
      "etcd",
      etcdBin,
      [
        "--name=calicokit",
        `--data-dir=${join(dataDir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=calicokit=${peerUrl}`,
        "--unsafe-no-fsync=true",
        "--log-level=warn",
      ],
      join(dataDir, "etcd.log"),
    );
    watchProcesses();
    await waitFor(etcd, deadline, async () => {
      const health = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(5_000) });
      if (!health.ok) throw new Error(`etcd /health answered HTTP ${health.status}`);
    });

    writeFileSync(
      join(dataDir, "tokens.csv"),
      `${adminToken},admin,uid-admin,"system:masters"\n` +
        `${restrictedToken},${restrictedUser.name},uid-restricted,"${restrictedUser.group}"\n`,
    );
    const keys = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    writeFileSync(join(dataDir, "sa.pub"), keys.publicKey);
    writeFileSync(join(dataDir, "sa.key"), keys.privateKey);

    const caData = await launchApiserver(deadline, false);
    await serveCrds(caData, deadline);

    const user = (name: string, token: string): ControlPlaneUser => {
      const kubeconfig = renderKubeconfig({ url, caData, user: name, token });
      const kubeconfigPath = join(dataDir, `${name}.kubeconfig`);
      writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
      return { name, token, kubeconfig, kubeconfigPath };
    };
    const running = (p: ManagedProcess | undefined) => p?.pid ?? -1;

    return {
      url,
      caData,
      calicoApi: options.calicoApi,
      dataDir,
      admin: user("admin", adminToken),
      restricted: user(restrictedUser.name, restrictedToken),
      get pids() {
        return { etcd: running(etcd), apiserver: running(apiserver) };
      },
      http: (token = adminToken) => new KubeHttp({ url, caData, token }),
      async restartApiserver(restart = {}) {
        const { signal = "SIGTERM", ...unknown } = restart;
        if (signal !== "SIGTERM" && signal !== "SIGKILL") {
          throw new TestkitError(
            "InvalidOption",
            `restartApiserver: signal must be "SIGTERM" or "SIGKILL", got ${JSON.stringify(signal)}`,
            "leave it out for a graceful restart, or pass SIGKILL for a crash",
          );
        }
        const extra = Object.keys(unknown);
        if (extra.length > 0) {
          throw new TestkitError(
            "InvalidOption",
            `restartApiserver: unknown option ${extra.join(", ")}`,
            "the only option is signal",
          );
        }
        const current = apiserver;
        if (signal === "SIGKILL") await current?.kill();
        else await current?.stop();
        if (stopped) throw stoppedMeanwhile();
        const restartDeadline = Date.now() + budgetMs;
        const restartedCa = await launchApiserver(restartDeadline, true);
        await serveCrds(restartedCa, restartDeadline);
      },
      async pauseApiserver(ms) {
        if (!Number.isFinite(ms) || ms < 0) {
          throw new TestkitError(
            "InvalidOption",
            `pauseApiserver: ms must be a finite number >= 0, got ${ms}`,
            "pass how long the apiserver stays frozen, in milliseconds",
          );
        }
        if (stopped) throw stoppedMeanwhile();
        await apiserver?.pause(ms);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function stoppedMeanwhile(): TestkitError {
  return new TestkitError(
    "ProcessExited",
    "the control plane was stopped",
    "restart or pause the apiserver before calling stop()",
  );
}

/**
 * Waits until kube-apiserver answers /readyz and serves the default namespace, over TLS verified
 * with the CA it wrote to `certFile`. The file is read anew on every attempt: the apiserver
 * creates it before it writes it (see readServingCa), so a CA read once could be a torn one.
 */
async function waitForApiserver(
  proc: ManagedProcess,
  certFile: string,
  url: string,
  token: string,
  deadline: number,
): Promise<string> {
  let verified: { caData: string; client: KubeHttp } | undefined;
  try {
    await waitFor(proc, deadline, async () => {
      const caData = readServingCa(certFile);
      if (caData === undefined) throw new Error(`${certFile} does not hold a complete CA yet`);
      if (verified?.caData !== caData) {
        verified?.client.close();
        verified = { caData, client: new KubeHttp({ url, caData, token }) };
      }
      const signal = AbortSignal.timeout(5_000);
      for (const path of ["/readyz", "/api/v1/namespaces/default"]) {
        const res = await verified.client.request({ method: "GET", path, signal });
        if (res.status !== 200) throw new Error(`GET ${path} answered HTTP ${res.status}`);
      }
    });
  } finally {
    verified?.client.close();
  }
  // waitFor returned, so the last probe passed with this CA
  return (verified as { caData: string }).caData;
}

async function refuseTakenPorts(fixed: NonNullable<ControlPlaneOptions["ports"]>): Promise<void> {
  const named = [
    ["etcd client", fixed.etcd],
    ["etcd peer", fixed.etcdPeer],
    ["kube-apiserver", fixed.apiserver],
  ] as const;
  for (const [what, port] of named) {
    if (port !== undefined && (await portInUse(port))) {
      throw new TestkitError(
        "PortInUse",
        `port ${port} for ${what} is already in use on 127.0.0.1`,
        "stop whatever listens there (ss -ltnp) or let the testkit pick free ports",
      );
    }
  }
}

/**
 * Runs `probe` every 100 ms until it resolves; a rejection is "not yet" and its message is quoted
 * if the deadline passes. Fails fast, quoting the log, when the process exits.
 */
async function waitFor(
  proc: ManagedProcess,
  deadline: number,
  probe: () => Promise<void>,
): Promise<void> {
  let lastFailure = "no attempt finished";
  while (Date.now() < deadline) {
    if (!proc.running) {
      const tail = proc.logTail();
      const portClash = /address already in use/i.test(tail);
      throw new TestkitError(
        portClash ? "PortInUse" : "ProcessExited",
        `${proc.name} exited during start-up; last log lines:\n${tail}`,
        portClash
          ? "another process took the port; retry, or free it"
          : `see ${proc.logFile} for the full log`,
      );
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastFailure = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new TestkitError(
    "StartTimeout",
    `${proc.name} was not ready in time (last attempt: ${lastFailure}); last log lines:\n${proc.logTail()}`,
    "the machine may be overloaded; raise startTimeoutMs",
  );
}
