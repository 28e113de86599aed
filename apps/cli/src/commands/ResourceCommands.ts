import type { CalicoClient } from "@calicokit/client";
import { stringify } from "yaml";
import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
import { withClient } from "../Connect.js";
import { booleanFlag, type Invocation, stringFlag } from "../Invocation.js";
import { lineDiff } from "../internal/LineDiff.js";
import { paint, printData, printObjects } from "../Output.js";
import { type CheckedResource, checkInput, refuseProblems } from "../ResourceInput.js";
import { type ResourceName, resourceName } from "../ResourceNames.js";
import { resourceColumns } from "../ResourceTables.js";

type Shown = {
  metadata: { name: string; resourceVersion?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

// The resource clients share one shape; the CLI handles their objects generically.
interface Resources {
  get(name: string, options?: object): Promise<Shown>;
  listAll(options?: object): Promise<{ items: Shown[] }>;
  create(object: never, options?: object): Promise<Shown>;
  apply(object: never, options?: object): Promise<Shown>;
  replace(object: never, options?: object): Promise<Shown>;
  patch(name: string, patch: object, options?: object): Promise<Shown>;
  delete(name: string, options?: object): Promise<void>;
}

function resourcesOf(client: CalicoClient, resource: ResourceName): Resources {
  if (resource.client === "nodes") {
    throw new CliError(
      "Usage",
      "Nodes are read with get and changed with apply -f (a projectcalico.org/v3 Node)",
      "use calicokit apply -f node.yaml, or kubectl for the core Node",
    );
  }
  return client[resource.client] as unknown as Resources;
}

const isNotFound = (error: unknown) => (error as { _tag?: string })._tag === "NotFound";

function dryRunMode(invocation: Invocation): "none" | "client" | "server" {
  return (stringFlag(invocation, "dry-run") ?? "none") as "none" | "client" | "server";
}

function writeOptions(invocation: Invocation, extra: object = {}): object {
  return {
    signal: invocation.signal,
    ...(dryRunMode(invocation) === "server" ? { dryRun: true } : {}),
    ...extra,
  };
}

function dryRunSuffix(invocation: Invocation): string {
  const mode = dryRunMode(invocation);
  return mode === "none" ? "" : ` (${mode} dry run)`;
}

function reportWrite(
  invocation: Invocation,
  resource: ResourceName,
  name: string,
  verb: string,
  object: unknown,
  results: unknown[],
): void {
  if (invocation.global.output === "table") {
    invocation.io.stdout.write(`${resource.plural}/${name} ${verb}${dryRunSuffix(invocation)}\n`);
  } else {
    results.push(object);
  }
}

function printResults(invocation: Invocation, results: unknown[]): void {
  if (invocation.global.output === "table") return;
  printData(
    invocation,
    results.length === 1
      ? results[0]
      : { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: results },
  );
}

/** `get KIND [NAME...]`: a table, or the objects as JSON/YAML (a List unless one name). */
export const get: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const resource = resourceName(invocation.args[0] as string);
    const names = invocation.args.slice(1);
    const selector = stringFlag(invocation, "selector");
    let items: Shown[];
    if (resource.client === "nodes") {
      const views =
        names.length > 0
          ? await Promise.all(names.map((n) => client.nodes.get(n, { signal: invocation.signal })))
          : await collect(
              client.nodes.list({
                signal: invocation.signal,
                ...(selector ? { labelSelector: selector } : {}),
              }),
            );
      for (const view of views)
        for (const warning of view.warnings) invocation.io.stderr.write(`warning: ${warning}\n`);
      items = views.map((v) => v.node as unknown as Shown);
    } else {
      const resources = resourcesOf(client, resource);
      items =
        names.length > 0
          ? await Promise.all(names.map((n) => resources.get(n, { signal: invocation.signal })))
          : (
              await resources.listAll({
                signal: invocation.signal,
                ...(selector ? { labelSelector: selector } : {}),
              })
            ).items;
    }
    printObjects(invocation, items, resourceColumns[resource.client], {
      single: names.length === 1,
      emptyMessage: `No ${resource.plural} found.`,
    });
    return 0;
  });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Reads and checks `-f`; refuses with exit 2 on any problem; handles --dry-run=client. */
async function checkedForWrite(
  invocation: Invocation,
  verb: string,
): Promise<readonly CheckedResource[] | undefined> {
  const input = await checkInput(invocation);
  refuseProblems(invocation, input);
  if (input.resources.length === 0)
    throw new CliError("InvalidInput", "no objects in the input", "check the file given to -f");
  if (dryRunMode(invocation) !== "client") return input.resources;
  const results: unknown[] = [];
  for (const r of input.resources)
    reportWrite(invocation, r.resource, r.value.metadata.name, verb, r.value, results);
  printResults(invocation, results);
  return undefined;
}

async function nodeApply(
  client: CalicoClient,
  checked: CheckedResource,
  invocation: Invocation,
): Promise<{ verb: string; object: unknown }> {
  const before = await client.nodes.get(checked.value.metadata.name, { signal: invocation.signal });
  const after = await client.nodes.applyCalicoNode(
    checked.value as never,
    writeOptions(invocation) as never,
  );
  for (const warning of after.warnings) invocation.io.stderr.write(`warning: ${warning}\n`);
  const same =
    before.kubernetes.metadata.resourceVersion === after.kubernetes.metadata.resourceVersion;
  return { verb: same ? "unchanged" : "configured", object: after.node };
}

/** `apply -f`: server-side apply of every object (created, configured or unchanged). */
export const apply: CommandHandler = async (invocation) => {
  const resources = await checkedForWrite(invocation, "applied");
  if (resources === undefined) return 0;
  return withClient(invocation, async (client) => {
    const results: unknown[] = [];
    for (const checked of resources) {
      const name = checked.value.metadata.name;
      if (checked.resource.client === "nodes") {
        const { verb, object } = await nodeApply(client, checked, invocation);
        reportWrite(invocation, checked.resource, name, verb, object, results);
        continue;
      }
      const target = resourcesOf(client, checked.resource);
      const before = await target.get(name, { signal: invocation.signal }).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      const after = await target.apply(
        checked.value as never,
        writeOptions(invocation, booleanFlag(invocation, "force-conflicts") ? { force: true } : {}),
      );
      const verb =
        before === undefined
          ? "created"
          : before.metadata.resourceVersion === after.metadata.resourceVersion
            ? "unchanged"
            : "configured";
      reportWrite(invocation, checked.resource, name, verb, after, results);
    }
    printResults(invocation, results);
    return 0;
  });
};

/** `create -f`: creates every object; one that exists is an error (the rest still go). */
export const create: CommandHandler = async (invocation) => {
  const resources = await checkedForWrite(invocation, "created");
  if (resources === undefined) return 0;
  return withClient(invocation, async (client) => {
    const results: unknown[] = [];
    for (const checked of resources) {
      const created = await resourcesOf(client, checked.resource).create(
        checked.value as never,
        writeOptions(invocation),
      );
      reportWrite(
        invocation,
        checked.resource,
        checked.value.metadata.name,
        "created",
        created,
        results,
      );
    }
    printResults(invocation, results);
    return 0;
  });
};

/** `replace -f`: replaces existing objects (at the file's resourceVersion, else the live one). */
export const replace: CommandHandler = async (invocation) => {
  const resources = await checkedForWrite(invocation, "replaced");
  if (resources === undefined) return 0;
  return withClient(invocation, async (client) => {
    const results: unknown[] = [];
    for (const checked of resources) {
      const target = resourcesOf(client, checked.resource);
      const metadata = checked.value.metadata as { name: string; resourceVersion?: string };
      const resourceVersion =
        metadata.resourceVersion ??
        (await target.get(metadata.name, { signal: invocation.signal })).metadata.resourceVersion;
      const replaced = await target.replace(
        { ...checked.value, metadata: { ...metadata, resourceVersion } } as never,
        writeOptions(invocation),
      );
      reportWrite(invocation, checked.resource, metadata.name, "replaced", replaced, results);
    }
    printResults(invocation, results);
    return 0;
  });
};

/** `delete KIND NAME...` or `delete -f FILE`. */
export const remove: CommandHandler = async (invocation) => {
  const files = invocation.flags.filename;
  let targets: { resource: ResourceName; name: string }[];
  if (files !== undefined) {
    if (invocation.args.length > 0)
      throw new CliError(
        "Usage",
        "give either -f or KIND NAME..., not both",
        "run calicokit delete --help",
      );
    const input = await checkInput(invocation);
    refuseProblems(invocation, input);
    targets = input.resources.map((r) => ({ resource: r.resource, name: r.value.metadata.name }));
  } else {
    if (invocation.args.length < 2)
      throw new CliError(
        "Usage",
        "delete needs KIND and at least one NAME (or -f FILE)",
        "e.g. calicokit delete bgppeer peer-1",
      );
    const resource = resourceName(invocation.args[0] as string);
    targets = invocation.args.slice(1).map((name) => ({ resource, name }));
  }
  if (dryRunMode(invocation) === "client") {
    for (const t of targets)
      invocation.io.stdout.write(
        `${t.resource.plural}/${t.name} deleted${dryRunSuffix(invocation)}\n`,
      );
    return 0;
  }
  return withClient(invocation, async (client) => {
    let missing = 0;
    for (const t of targets) {
      try {
        await resourcesOf(client, t.resource).delete(t.name, writeOptions(invocation));
        invocation.io.stdout.write(
          `${t.resource.plural}/${t.name} deleted${dryRunSuffix(invocation)}\n`,
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
        if (!booleanFlag(invocation, "ignore-not-found")) {
          invocation.io.stderr.write(`error: ${t.resource.plural}/${t.name} not found\n`);
          missing++;
        }
      }
    }
    return missing > 0 ? 1 : 0;
  });
};

/** `patch KIND NAME -p JSON`: a JSON merge patch, validated by the client before it is sent. */
export const patch: CommandHandler = async (invocation) => {
  const resource = resourceName(invocation.args[0] as string);
  const name = invocation.args[1] as string;
  const text = stringFlag(invocation, "patch");
  if (text === undefined)
    throw new CliError("Usage", "patch needs -p JSON", `e.g. -p '{"spec":{"asNumber":64513}}'`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      "InvalidInput",
      `-p is not JSON: ${(error as Error).message}`,
      `e.g. -p '{"spec":{"asNumber":64513}}'`,
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new CliError(
      "InvalidInput",
      "-p must be a JSON object (a merge patch)",
      `e.g. -p '{"spec":{"asNumber":64513}}'`,
    );
  return withClient(invocation, async (client) => {
    const target = resourcesOf(client, resource);
    if (dryRunMode(invocation) === "client") {
      await target.get(name, { signal: invocation.signal });
      invocation.io.stdout.write(`${resource.plural}/${name} patched${dryRunSuffix(invocation)}\n`);
      return 0;
    }
    const patched = await target.patch(name, body as object, writeOptions(invocation));
    const results: unknown[] = [];
    reportWrite(invocation, resource, name, "patched", patched, results);
    printResults(invocation, results);
    return 0;
  });
};

/** `label KIND NAME key=value key-`: one merge patch of metadata.labels. */
export const label: CommandHandler = async (invocation) => {
  const resource = resourceName(invocation.args[0] as string);
  const name = invocation.args[1] as string;
  const changes: Record<string, string | null> = {};
  for (const word of invocation.args.slice(2)) {
    if (word.endsWith("-") && !word.includes("=")) changes[word.slice(0, -1)] = null;
    else if (word.includes("="))
      changes[word.slice(0, word.indexOf("="))] = word.slice(word.indexOf("=") + 1);
    else
      throw new CliError(
        "Usage",
        `"${word}" is not key=value or key-`,
        "e.g. route-reflector=true, or route-reflector- to remove",
      );
  }
  return withClient(invocation, async (client) => {
    const target = resourcesOf(client, resource);
    const current = await target.get(name, { signal: invocation.signal });
    for (const [key, value] of Object.entries(changes)) {
      const existing = current.metadata.labels?.[key];
      if (
        value !== null &&
        existing !== undefined &&
        existing !== value &&
        !booleanFlag(invocation, "overwrite")
      ) {
        throw new CliError(
          "InvalidInput",
          `${resource.plural}/${name} already has label ${key}=${existing}`,
          "pass --overwrite to change it",
        );
      }
    }
    const patchBody = { metadata: { labels: changes } };
    if (dryRunMode(invocation) !== "client") {
      await target.patch(
        name,
        patchBody,
        writeOptions(invocation, { resourceVersion: current.metadata.resourceVersion }),
      );
    }
    invocation.io.stdout.write(`${resource.plural}/${name} labeled${dryRunSuffix(invocation)}\n`);
    return 0;
  });
};

// Server-owned bookkeeping that always differs and says nothing about the change; keys in
// kubectl's order so the diff reads like the file.
function comparable(object: unknown): unknown {
  const { apiVersion, kind, metadata, spec, ...rest } = object as Record<string, unknown>;
  const {
    resourceVersion: _rv,
    managedFields: _mf,
    generation: _g,
    ...kept
  } = metadata as Record<string, unknown>;
  return { apiVersion, kind, metadata: kept, spec, ...rest };
}

/** `diff -f`: live object vs the result of applying the file (a server-side dry run). */
export const diff: CommandHandler = async (invocation) => {
  const input = await checkInput(invocation);
  refuseProblems(invocation, input);
  return withClient(invocation, async (client) => {
    let changed = 0;
    for (const checked of input.resources) {
      const name = checked.value.metadata.name;
      const target = resourcesOf(client, checked.resource);
      const live = await target.get(name, { signal: invocation.signal }).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      const merged = await target.apply(checked.value as never, {
        signal: invocation.signal,
        dryRun: true,
      });
      const before = live === undefined ? "" : stringify(comparable(live));
      const after = stringify(comparable(merged));
      const header = `${checked.resource.plural}/${name}`;
      if (before === after) {
        invocation.io.stdout.write(`${header}: no change\n`);
        continue;
      }
      changed++;
      invocation.io.stdout.write(
        `${header}: ${live === undefined ? "would be created" : "would change"}\n`,
      );
      for (const line of lineDiff(before, after)) {
        const color = line.startsWith("+") ? "green" : line.startsWith("-") ? "red" : "grey";
        invocation.io.stdout.write(`${paint(invocation, color, line)}\n`);
      }
    }
    invocation.io.stdout.write(`${changed} of ${input.resources.length} would change\n`);
    return 0;
  });
};
