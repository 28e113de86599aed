import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "vitest";

// Targets (issue 11): `calicokit --version` median < 60 ms and `calicokit validate -f peer.yaml`
// median < 100 ms, measured in one run beside Node's own floor (`node -e 0`) and
// `kubectl version --client`. Runs the bundle `make build` writes, with the project's Node.
// Each command runs once to warm the OS cache and Node's compile cache, then the commands take
// turns so machine noise hits them alike.

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "apps", "cli", "dist", "bundle", "calicokit.js");
const kubectl = join(process.env.CALICOKIT_TOOLS_BIN ?? join(root, ".tools", "bin"), "kubectl");
const rounds = Number(process.env.CLI_BENCH_ROUNDS ?? 30);

const peer = join(mkdtempSync(join(tmpdir(), "calicokit-cli-bench-")), "peer.yaml");
writeFileSync(
  peer,
  'apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: peer-to-rrs\nspec:\n  nodeSelector: "!has(route-reflector)"\n  peerSelector: has(route-reflector)\n',
);

const commands: readonly { name: string; file: string; args: string[] }[] = [
  { name: "node -e 0", file: process.execPath, args: ["-e", "0"] },
  { name: "kubectl version --client", file: kubectl, args: ["version", "--client"] },
  { name: "calicokit --version", file: process.execPath, args: [bundle, "--version"] },
  {
    name: "calicokit validate -f peer.yaml",
    file: process.execPath,
    args: [bundle, "validate", "-f", peer],
  },
];

function timeOnce(command: (typeof commands)[number]): number {
  const start = process.hrtime.bigint();
  execFileSync(command.file, command.args, { stdio: "ignore" });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

test("CLI cold start", () => {
  for (const command of commands) timeOnce(command);
  const samples = new Map(commands.map((c) => [c.name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const command of commands) samples.get(command.name)?.push(timeOnce(command));
  }
  const floor = median(samples.get("node -e 0") as number[]);
  // the figures grow with the machine's load: print it with them
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  console.log(
    `\nCLI cold start, median of ${rounds} runs each (turns interleaved), load average ${load}:`,
  );
  for (const command of commands) {
    const m = median(samples.get(command.name) as number[]);
    console.log(
      `  ${command.name.padEnd(34)} ${m.toFixed(1).padStart(7)} ms   x${(m / floor).toFixed(2)} of node -e 0`,
    );
  }
}, 600_000);
