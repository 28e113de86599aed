import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { installCalicoCrds } from "./CalicoCrds.js";
import { ManagedProcess, startReaper } from "./internal/ManagedProcess.js";
import { freePort, portInUse } from "./internal/ports.js";
import { renderKubeconfig } from "./Kubeconfig.js";
import { KubeHttp } from "./KubeHttp.js";
import { TestkitError } from "./TestkitError.js";
import { binaryPath } from "./ToolPaths.js";

/** Which Calico API the control plane serves: the v1 storage CRDs, the v3 CRDs, or none. */
export type CalicoApi = "v1" | "v3" | "none";

export interface ControlPlaneOptions {
  readonly calicoApi: CalicoApi;
  /** Fixed ports instead of free ones (a taken port fails with `PortInUse`). */
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

export interface ControlPlane extends ControlPlaneInfo {
  /** A raw client as admin (or as another token). */
  http(token?: string): KubeHttp;
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
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const etcdBin = binaryPath("etcd");
  const apiserverBin = binaryPath("kube-apiserver");
  const budgetMs = options.startTimeoutMs ?? 90_000;
  const deadline = Date.now() + budgetMs;

  const ports = {
    etcd: await chosenPort("etcd client", options.ports?.etcd),
    etcdPeer: await chosenPort("etcd peer", options.ports?.etcdPeer),
    apiserver: await chosenPort("kube-apiserver", options.ports?.apiserver),
  };

  const parent = options.workDir ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dataDir = mkdtempSync(join(parent, "calicokit-cp-"));
  const processes: ManagedProcess[] = [];
  let stopReaper = () => {};
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of [...processes].reverse()) await p.stop();
    stopReaper();
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
    const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
    const etcd = ManagedProcess.start(
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
    processes.push(etcd);
    stopReaper = startReaper(process.pid, [etcd.pid], dataDir);
    await waitFor(etcd, deadline, async () => (await fetch(`${etcdUrl}/health`)).ok);

    const adminToken = randomBytes(24).toString("hex");
    const restrictedToken = randomBytes(24).toString("hex");
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

    const pki = join(dataDir, "pki");
    const apiserver = ManagedProcess.start(
      "kube-apiserver",
      apiserverBin,
      [
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
      ],
      join(dataDir, "kube-apiserver.log"),
    );
    processes.push(apiserver);
    stopReaper();
    stopReaper = startReaper(process.pid, [apiserver.pid, etcd.pid], dataDir);

    const certFile = join(pki, "apiserver.crt");
    await waitFor(apiserver, deadline, async () => existsSync(certFile));
    const caData = readFileSync(certFile, "utf8");
    const url = `https://127.0.0.1:${ports.apiserver}`;
    const admin = new KubeHttp({ url, caData, token: adminToken });
    await waitFor(apiserver, deadline, async () => {
      const ready = await admin.request({ method: "GET", path: "/readyz" });
      if (ready.status !== 200) return false;
      const ns = await admin.request({ method: "GET", path: "/api/v1/namespaces/default" });
      return ns.status === 200;
    });

    if (options.calicoApi !== "none") {
      await installCalicoCrds(admin, options.calicoApi, deadline);
    }

    const user = (name: string, token: string): ControlPlaneUser => {
      const kubeconfig = renderKubeconfig({ url, caData, user: name, token });
      const kubeconfigPath = join(dataDir, `${name}.kubeconfig`);
      writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
      return { name, token, kubeconfig, kubeconfigPath };
    };

    return {
      url,
      caData,
      calicoApi: options.calicoApi,
      dataDir,
      admin: user("admin", adminToken),
      restricted: user(restrictedUser.name, restrictedToken),
      pids: { etcd: etcd.pid, apiserver: apiserver.pid },
      http: (token = adminToken) => new KubeHttp({ url, caData, token }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function chosenPort(what: string, fixed: number | undefined): Promise<number> {
  if (fixed === undefined) return freePort();
  if (await portInUse(fixed)) {
    throw new TestkitError(
      "PortInUse",
      `port ${fixed} for ${what} is already in use on 127.0.0.1`,
      "stop whatever listens there (ss -ltnp) or let the testkit pick free ports",
    );
  }
  return fixed;
}

/** Polls `ready` every 100 ms; fails fast, quoting the log, when the process exits. */
async function waitFor(
  proc: ManagedProcess,
  deadline: number,
  ready: () => Promise<boolean>,
): Promise<void> {
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
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new TestkitError(
    "StartTimeout",
    `${proc.name} was not ready in time; last log lines:\n${proc.logTail()}`,
    "the machine may be overloaded; raise startTimeoutMs",
  );
}
