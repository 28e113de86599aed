import { readFile, writeFile } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import type { CalicoClient } from "@calicokit/client";
import {
  approveMigration,
  getMigration,
  isTerminal,
  listMigrations,
  type MigrationPlan,
  type MigrationRecord,
  type MigrationRequest,
  parseMigrationPlan,
  planMigration,
  resumeMigration,
  rollbackMigration,
  runMigration,
  writesOf,
} from "@calicokit/workflows";
import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
import { withClient } from "../Connect.js";
import { booleanFlag, type Invocation, stringFlag } from "../Invocation.js";
import { parseDuration } from "../internal/Duration.js";
import { MigrationProgress } from "../internal/MigrationProgress.js";
import { age, paint, printData, renderTable } from "../Output.js";

const startedBy = () => `${userInfo().username}@${hostname()} (calicokit cli)`;

function namespaceOf(invocation: Invocation): { namespace?: string } {
  const namespace = stringFlag(invocation, "namespace");
  return namespace ? { namespace } : {};
}

/** `--verify-timeout`: how long each verification waits (the workflow's default without it). */
function verifyTimeoutOf(invocation: Invocation): { verifyTimeoutMs?: number } {
  const text = stringFlag(invocation, "verify-timeout");
  return text === undefined
    ? {}
    : { verifyTimeoutMs: Math.ceil(parseDuration(text, "--verify-timeout")) };
}

/** The migration request the plan flags describe (the workflow checks it strictly). */
function requestOf(invocation: Invocation): MigrationRequest {
  const to = stringFlag(invocation, "to");
  if (to === undefined) {
    throw new CliError(
      "Usage",
      "--to is required",
      "e.g. --to route-reflectors --rr-count 3, or --to mesh",
    );
  }
  const rrNodes = stringFlag(invocation, "rr-nodes");
  const rrCount = stringFlag(invocation, "rr-count");
  const clusterId = stringFlag(invocation, "cluster-id");
  const calicoNodeNamespace = stringFlag(invocation, "calico-node-namespace");
  const calicoNodeServiceAccount = stringFlag(invocation, "calico-node-service-account");
  if (rrCount !== undefined && !/^\d+$/.test(rrCount)) {
    throw new CliError(
      "Usage",
      `--rr-count "${rrCount}" is not a whole number`,
      "e.g. --rr-count 3",
    );
  }
  return {
    to: to as MigrationRequest["to"],
    ...(rrNodes
      ? {
          rrNodes: rrNodes
            .split(",")
            .map((n) => n.trim())
            .filter((n) => n !== ""),
        }
      : {}),
    ...(rrCount ? { rrCount: Number(rrCount) } : {}),
    ...(clusterId ? { clusterId } : {}),
    ...(booleanFlag(invocation, "allow-single-reflector") ? { allowSingleReflector: true } : {}),
    ...(booleanFlag(invocation, "allow-single-zone") ? { allowSingleZone: true } : {}),
    ...(booleanFlag(invocation, "approve-mesh-disable") ? { requireApproval: true } : {}),
    ...(calicoNodeNamespace ? { calicoNodeNamespace } : {}),
    ...(calicoNodeServiceAccount ? { calicoNodeServiceAccount } : {}),
  };
}

function printPlan(invocation: Invocation, plan: MigrationPlan): void {
  const out = invocation.io.stdout;
  if (plan.nothingToDo) {
    out.write(`nothing to do: the cluster is already ${plan.from}\n`);
    return;
  }
  out.write(
    `plan ${plan.id}: ${plan.from} -> ${plan.to}, ${plan.nodeCount} nodes, cluster ID ${plan.clusterId}, ${writesOf(plan)} writes\n\n`,
  );
  if (plan.routeReflectors.length > 0) {
    out.write("route reflectors:\n");
    out.write(
      indent(
        renderTable(
          ["NODE", "ZONE", "IPV4", "PODS"],
          plan.routeReflectors.map((r) => [
            r.name,
            r.zone ?? "<none>",
            r.ipv4 ?? "<none>",
            String(r.pods.length),
          ]),
        ),
      ),
    );
    out.write("\n");
  }
  out.write("steps:\n");
  for (const [i, s] of plan.steps.entries())
    out.write(`  ${i + 1}. ${s.title}\n     why: ${s.why}\n`);
  out.write("\nchanges:\n");
  out.write(
    indent(
      renderTable(
        ["STEP", "ACTION", "KIND", "NAME", "WHY"],
        plan.changes.map((c) => [c.step, c.action, c.kind, c.name, c.why]),
      ),
    ),
  );
  if (plan.expectedGaps.length > 0) {
    out.write("\nexpected route gaps:\n");
    out.write(
      indent(
        renderTable(
          ["NODE", "SECONDS", "PODS", "WHY"],
          plan.expectedGaps.map((g) => [g.node, String(g.seconds), String(g.pods.length), g.why]),
        ),
      ),
    );
  }
  for (const warning of plan.warnings)
    out.write(`${paint(invocation, "yellow", "warning")}: ${warning}\n`);
}

const indent = (text: string) => text.replace(/^(?=.)/gm, "  ");

/** `migrate plan`: what would change and why; `--out` saves it for `migrate apply --plan`. */
export const plan: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const planned = await planMigration(client, requestOf(invocation), namespaceOf(invocation));
    const out = stringFlag(invocation, "out");
    if (out) await writeFile(out, `${JSON.stringify(planned, null, 2)}\n`);
    if (invocation.global.output === "table") printPlan(invocation, planned);
    else printData(invocation, planned);
    if (out && invocation.global.output === "table")
      invocation.io.stdout.write(
        `\nplan written to ${out}; apply it with: calicokit migrate apply --plan ${out}\n`,
      );
    return 0;
  });

async function planFromFile(file: string): Promise<MigrationPlan> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(
      "InvalidInput",
      `cannot read the plan ${file}: ${(error as Error).message}`,
      "pass a file written by calicokit migrate plan --out",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      "InvalidInput",
      `the plan ${file} is not JSON: ${(error as Error).message}`,
      "pass a file written by calicokit migrate plan --out",
    );
  }
  return parseMigrationPlan(json);
}

async function confirm(invocation: Invocation, question: string): Promise<boolean> {
  const rl = createInterface({ input: invocation.io.stdin, output: invocation.io.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: invocation.signal });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Runs with progress shown; approves at the gate when --approve-mesh-disable was given. */
async function withProgress(
  invocation: Invocation,
  client: CalicoClient,
  plan: MigrationPlan | undefined,
  start: (options: Parameters<typeof runMigration>[2]) => Promise<MigrationRecord>,
): Promise<MigrationRecord> {
  const progress = new MigrationProgress(invocation, plan);
  const autoApprove = booleanFlag(invocation, "approve-mesh-disable");
  try {
    return await start({
      startedBy: startedBy(),
      ...namespaceOf(invocation),
      ...verifyTimeoutOf(invocation),
      signal: invocation.signal,
      onEvent: (event) => {
        progress.event(event);
        if (event.type === "awaiting-approval" && autoApprove) {
          void approveMigration(client, event.runId, {
            by: startedBy(),
            ...namespaceOf(invocation),
          });
        } else if (event.type === "awaiting-approval") {
          invocation.io.stderr.write(`approve with: calicokit migrate approve ${event.runId}\n`);
        }
      },
    });
  } finally {
    progress.finish();
  }
}

function reportOutcome(invocation: Invocation, record: MigrationRecord): number {
  if (invocation.global.output !== "json") {
    const sessions = record.sessions
      ? `, sessions Established ${record.sessions.established}/${record.sessions.wanted}`
      : "";
    invocation.io.stdout.write(
      `run ${record.id}: ${paint(invocation, record.phase === "Succeeded" || record.phase === "RolledBack" ? "green" : "red", record.phase)}${sessions}\n`,
    );
  }
  return 0;
}

/** `migrate apply`: plans (or reads --plan), asks on a TTY unless --yes, runs with progress. */
export const apply: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const file = stringFlag(invocation, "plan");
    if (file && stringFlag(invocation, "to")) {
      throw new CliError(
        "Usage",
        "give either --plan FILE or the plan flags (--to ...), not both",
        "run calicokit migrate apply --help",
      );
    }
    const planned = file
      ? await planFromFile(file)
      : await planMigration(client, requestOf(invocation), namespaceOf(invocation));
    const table = invocation.global.output !== "json";
    if (table) printPlan(invocation, planned);
    if (planned.nothingToDo) return 0;
    if (!booleanFlag(invocation, "yes")) {
      if (invocation.io.stdin.isTTY !== true) {
        throw new CliError(
          "Refused",
          "not confirmed: stdin is not a terminal",
          "pass --yes to apply without asking",
        );
      }
      if (!(await confirm(invocation, `apply ${planned.id} (${writesOf(planned)} writes)?`))) {
        throw new CliError("Refused", "not confirmed: nothing was changed");
      }
    }
    const record = await withProgress(invocation, client, planned, (options) =>
      runMigration(client, planned, options),
    );
    return reportOutcome(invocation, record);
  });

async function runOrLatest(
  client: CalicoClient,
  invocation: Invocation,
  wanted: (r: MigrationRecord) => boolean,
): Promise<MigrationRecord> {
  const id = invocation.args[0];
  if (id !== undefined) return getMigration(client, id, namespaceOf(invocation));
  const runs = (await listMigrations(client, namespaceOf(invocation)))
    .filter(wanted)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const latest = runs[0];
  if (latest === undefined)
    throw new CliError(
      "Failed",
      "no matching migration run in the cluster",
      "list them with: calicokit migrate list",
    );
  return latest;
}

/** `migrate status [RUN]`: one run's journal (default the latest). */
export const status: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const record = await runOrLatest(client, invocation, () => true);
    if (invocation.global.output !== "table") {
      printData(invocation, record);
      return 0;
    }
    const out = invocation.io.stdout;
    out.write(
      `run ${record.id}: ${record.phase}, ${record.plan.from} -> ${record.plan.to}, started by ${record.startedBy} at ${record.startedAt}\n`,
    );
    if (record.sessions)
      out.write(`sessions Established ${record.sessions.established}/${record.sessions.wanted}\n`);
    if (record.error) out.write(`error (${record.error.tag}): ${record.error.message}\n`);
    out.write(
      renderTable(
        ["STEP", "STATE", "STARTED", "ENDED", "DETAIL"],
        record.steps.map((s) => [
          s.id,
          s.state,
          s.startedAt ?? "",
          s.endedAt ?? "",
          s.detail ?? "",
        ]),
      ),
    );
    return 0;
  });

/** `migrate list`: every run in the journal namespace, newest first. */
export const list: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const runs = (await listMigrations(client, namespaceOf(invocation))).sort((a, b) =>
      b.startedAt.localeCompare(a.startedAt),
    );
    if (invocation.global.output !== "table") {
      printData(invocation, { apiVersion: "v1", kind: "List", items: runs });
      return 0;
    }
    if (runs.length === 0) {
      invocation.io.stderr.write("No migration runs found.\n");
      return 0;
    }
    invocation.io.stdout.write(
      renderTable(
        ["RUN", "PHASE", "FROM", "TO", "STARTED-BY", "AGE"],
        runs.map((r) => [r.id, r.phase, r.plan.from, r.plan.to, r.startedBy, age(r.startedAt)]),
      ),
    );
    return 0;
  });

/** `migrate resume [RUN]`: continues a run left unfinished (default the latest such run). */
export const resume: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const record = await runOrLatest(client, invocation, (r) => !isTerminal(r.phase));
    const done = await withProgress(invocation, client, record.plan, (options) =>
      resumeMigration(client, record.id, options),
    );
    return reportOutcome(invocation, done);
  });

/** `migrate rollback [RUN]`: undoes a run's changes in reverse order (default the latest run). */
export const rollback: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const record = await runOrLatest(client, invocation, () => true);
    const done = await withProgress(invocation, client, record.plan, (options) =>
      rollbackMigration(client, record.id, options),
    );
    return reportOutcome(invocation, done);
  });

/** `migrate approve RUN`: lets a run waiting at the gate disable the mesh. */
export const approve: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const record = await approveMigration(client, invocation.args[0] as string, {
      by: startedBy(),
      ...namespaceOf(invocation),
    });
    invocation.io.stdout.write(`run ${record.id} approved\n`);
    return 0;
  });
