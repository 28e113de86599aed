#!/usr/bin/env node
// `calicokit-testkit [v1|v3|none] [--hold]`: starts a control plane, shows it works with the
// built kubectl, and stops it (or holds it until Ctrl-C or SIGTERM so a developer can point
// tools at it).
import { execFileSync } from "node:child_process";
import { startControlPlane } from "./ControlPlane.js";
import { TestkitError } from "./TestkitError.js";
import { binaryPath } from "./ToolPaths.js";

const usage = "usage: calicokit-testkit [v1|v3|none] [--hold]";
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("-"));
const positional = args.filter((a) => !a.startsWith("-"));
const unknownFlag = flags.find((f) => f !== "--hold");
if (unknownFlag !== undefined || positional.length > 1) {
  console.error(`unknown argument "${unknownFlag ?? positional[1]}"\n${usage}`);
  process.exit(2);
}
const calicoApi = positional[0] ?? "v3";
if (calicoApi !== "v1" && calicoApi !== "v3" && calicoApi !== "none") {
  console.error(`unknown Calico API "${calicoApi}": use v1, v3 or none\n${usage}`);
  process.exit(2);
}

/** Resolves with the first SIGINT or SIGTERM after the call (the listeners are on once it returns). */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    // a pending promise does not keep Node alive: without a timer the process would end at once
    // with exit code 13 (unsettled top-level await) and leave the control plane to the reaper
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const stopSignals = ["SIGINT", "SIGTERM"] as const;
    const onSignal = (signal: NodeJS.Signals) => {
      clearInterval(keepAlive);
      for (const s of stopSignals) process.off(s, onSignal);
      resolve(signal);
    };
    for (const s of stopSignals) process.on(s, onSignal);
  });
}

try {
  const started = Date.now();
  const cp = await startControlPlane({ calicoApi });
  console.log(
    `control plane up in ${Date.now() - started} ms at ${cp.url} (Calico ${calicoApi} CRDs)`,
  );
  console.log(`admin kubeconfig: ${cp.admin.kubeconfigPath}`);
  console.log(`pids: etcd ${cp.pids.etcd}, kube-apiserver ${cp.pids.apiserver}`);
  const kubectl = (...kargs: string[]) =>
    execFileSync(binaryPath("kubectl"), ["--kubeconfig", cp.admin.kubeconfigPath, ...kargs], {
      encoding: "utf8",
    });
  console.log(`$ kubectl version\n${kubectl("version")}`);
  console.log(`$ kubectl get crd\n${kubectl("get", "crd")}`);
  if (args.includes("--hold")) {
    // listen before saying so: until process.on installs a handler, SIGTERM's default action
    // ends Node at once, and whoever reads this line may signal before the next statement runs
    const stopSignal = untilStopSignal();
    console.log("holding; Ctrl-C stops it");
    const signal = await stopSignal;
    console.log(`${signal}: stopping`);
  }
  await cp.stop();
  console.log("control plane stopped, nothing left running");
} catch (error) {
  console.error(error instanceof TestkitError ? error.message : error);
  process.exit(1);
}
