import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { CalicoClient } from "@calicokit/client";
import { KubeHttp, uniqueName } from "@calicokit/testkit";
import type {} from "@calicokit/testkit/vitest-global-setup";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { buildCli, inputFile, kubeconfigFile, runCli, startCli } from "./support.js";

const cp = inject("controlPlanes").v3;
let cli: string;
let kubeconfig: string;
let client: CalicoClient;

beforeAll(async () => {
  cli = await buildCli();
  kubeconfig = kubeconfigFile(cp);
  client = await CalicoClient.connect({ kubeconfigPath: kubeconfig });
  return () => client.close();
});

const peerYaml = (name: string, extra = "") =>
  `apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: ${name}\nspec:\n  peerIP: 10.0.0.1\n  asNumber: 64513\n${extra}`;
const run = (...args: string[]) => runCli(cli, ["--kubeconfig", kubeconfig, ...args]);

describe("calicokit basics", () => {
  it("prints its version and help, and refuses unknown options with exit 2", async () => {
    expect(await runCli(cli, ["--version"])).toEqual({
      code: 0,
      stdout: "calicokit 0.1.0\n",
      stderr: "",
    });
    const help = await runCli(cli, ["migrate", "apply", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("calicokit migrate apply - run a migration with live progress");
    const unknown = await runCli(cli, ["get", "bgppeers", "--colour"]);
    expect(unknown).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'error: unknown option --colour for "calicokit get"\n  run "calicokit get --help" for its options (command options go after the command\'s name)\n',
    });
  });

  it("a kubeconfig that does not exist is exit 2 with the path named", async () => {
    const result = await runCli(cli, [
      "--kubeconfig",
      "/nonexistent/kubeconfig",
      "get",
      "bgppeers",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/nonexistent/kubeconfig");
  });
});

describe("validate -f (offline)", () => {
  it("prints a table for valid input and exits 0", async () => {
    const file = inputFile("valid-peer.yaml", peerYaml("valid-peer"));
    expect(await runCli(cli, ["validate", "-f", file])).toEqual({
      code: 0,
      stdout: `FILE${" ".repeat(file.length - 1)}DOC   LINE   KIND      NAME         RESULT\n${file}   1     1      BGPPeer   valid-peer   valid\n`,
      stderr: "",
    });
  });

  it("names file, document, line and field of every problem, with exit 2", async () => {
    const file = inputFile(
      "bad.yaml",
      [
        peerYaml("as-too-big").replace("64513", "99999999999"),
        "---",
        "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: trap\nspec:\n  nodeSelector: !has(route-reflector)\n  peerSelector: has(route-reflector)\n",
        "---",
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\n  labels:\n    rr: true\nspec:\n  cidr: 10.5.0.0/16\n",
        "---",
        "apiVersion: projectcalico.org/v3\nkind: Frobnicator\nmetadata:\n  name: x\n",
        "---",
        "kind: [unclosed\n",
      ].join("\n"),
    );
    const text = readFileSync(file, "utf8").split("\n");
    const lineOf = (needle: string) => text.findIndex((l) => l.includes(needle)) + 1;
    const result = await runCli(cli, ["validate", "-f", file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${file}: document 2, line ${lineOf("nodeSelector: !has")}: spec.nodeSelector: .*Quote it: nodeSelector: "!has\\(route-reflector\\)"$`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${file}: document 3, line ${lineOf("rr: true")}: metadata.labels.rr: .*Quote it: rr: "true"$`,
      ),
    );
    expect(lines[2]).toMatch(new RegExp(`^${file}: document 5, line \\d+: invalid YAML: `));
    expect(lines[3]).toMatch(
      new RegExp(
        `^${file}: document 1, line 7: spec.asNumber: AS number 99999999999 is above 4294967295`,
      ),
    );
    expect(lines[4]).toMatch(
      new RegExp(
        `^${file}: document 4, line ${lineOf("Frobnicator")}: kind "Frobnicator" is not a kind calicokit handles`,
      ),
    );
    const json = await runCli(cli, ["validate", "-f", file, "-o", "json"]);
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.valid).toBe(false);
    expect(parsed.documents[0]).toMatchObject({
      source: file,
      document: 1,
      line: 1,
      kind: "BGPPeer",
      name: "as-too-big",
      valid: false,
      problems: [{ line: 7, field: "spec.asNumber" }],
    });
  });

  it("reads stdin with -f -", async () => {
    const result = await runCli(cli, ["validate", "-f", "-", "-o", "json"], {
      stdin: peerYaml("from-stdin"),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: true,
      documents: [{ source: "stdin", name: "from-stdin" }],
    });
  });
});

describe("resource commands against the API server", () => {
  it("apply creates, then is unchanged; get prints tables, the object, or a List", async () => {
    const name = uniqueName("peer");
    const file = inputFile(`${name}.yaml`, peerYaml(name));
    expect(await run("apply", "-f", file)).toMatchObject({
      code: 0,
      stdout: `bgppeers/${name} created\n`,
    });
    expect(await run("apply", "-f", file)).toMatchObject({
      code: 0,
      stdout: `bgppeers/${name} unchanged\n`,
    });
    const table = await run("get", "bgpp", name);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `^NAME {${name.length - 1}}PEERIP     NODE       ASN     AGE\n${name}   10\\.0\\.0\\.1   \\(global\\)   64513   \\d+s\n$`,
      ),
    );
    const one = JSON.parse((await run("get", "bgppeer", name, "-o", "json")).stdout);
    expect(one).toMatchObject({
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name },
      spec: { peerIP: "10.0.0.1", asNumber: 64513 },
    });
    const list = JSON.parse((await run("get", "bgppeers", "-o", "json")).stdout);
    expect(list).toMatchObject({ apiVersion: "v1", kind: "List" });
    expect(list.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toContain(name);
    const yaml = await run("get", "bgppeer", name, "-o", "yaml");
    expect(yaml.stdout).toContain(`kind: BGPPeer\nmetadata:\n  name: ${name}\n`);
  });

  it("diff shows the change, label and patch change one resource, delete removes it", async () => {
    const name = uniqueName("peer");
    const file = inputFile(`${name}.yaml`, peerYaml(name));
    await run("apply", "-f", file);
    inputFile(`${name}.yaml`, peerYaml(name).replace("64513", "64514"));
    const diff = await run("diff", "-f", file);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(`bgppeers/${name}: would change\n`);
    expect(diff.stdout).toContain("-   asNumber: 64513\n+   asNumber: 64514\n");
    expect(await run("label", "bgppeer", name, "team=net")).toMatchObject({
      code: 0,
      stdout: `bgppeers/${name} labeled\n`,
    });
    const relabel = await run("label", "bgppeer", name, "team=other");
    expect(relabel.code).toBe(2);
    expect(relabel.stderr).toContain("pass --overwrite");
    expect(await run("patch", "bgppeer", name, "-p", '{"spec":{"asNumber":64600}}')).toMatchObject({
      code: 0,
    });
    expect((await client.bgpPeers.get(name)).spec.asNumber).toBe(64600);
    expect((await client.bgpPeers.get(name)).metadata.labels).toEqual({ team: "net" });
    expect(await run("delete", "bgppeer", name)).toMatchObject({
      code: 0,
      stdout: `bgppeers/${name} deleted\n`,
    });
    expect(await run("delete", "bgppeer", name)).toMatchObject({ code: 1 });
    expect(await run("delete", "bgppeer", name, "--ignore-not-found")).toMatchObject({ code: 0 });
  });

  it("bad input of every kind is exit 2 and writes nothing (resourceVersions unchanged)", async () => {
    const name = uniqueName("peer");
    await run("apply", "-f", inputFile(`${name}.yaml`, peerYaml(name)));
    const before = (await client.bgpPeers.get(name)).metadata.resourceVersion;
    const bad = {
      trap: peerYaml(name, "  nodeSelector: !has(route-reflector)\n").replace(
        "  peerIP: 10.0.0.1\n",
        "",
      ),
      label: peerYaml(name).replace(
        `  name: ${name}\n`,
        `  name: ${name}\n  labels:\n    rr: true\n`,
      ),
      asRange: peerYaml(name).replace("64513", "4294967296"),
      unknownKind: peerYaml(name).replace("kind: BGPPeer", "kind: BGPPeerz"),
      yaml: `${peerYaml(name)}  : [\n`,
    };
    for (const [what, text] of Object.entries(bad)) {
      const result = await run("apply", "-f", inputFile(`${name}-${what}.yaml`, text));
      expect({ what, code: result.code }).toEqual({ what, code: 2 });
      expect(result.stderr).toContain("nothing was written");
    }
    const selector = await run("selector", "test", "zone == west");
    expect(selector.code).toBe(2);
    expect(selector.stderr).toContain("  zone == west\n          ^\n");
    expect((await client.bgpPeers.get(name)).metadata.resourceVersion).toBe(before);
  });

  it("--dry-run=server and =client write nothing", async () => {
    const name = uniqueName("peer");
    const file = inputFile(`${name}.yaml`, peerYaml(name));
    expect(await run("apply", "-f", file, "--dry-run=server")).toMatchObject({
      code: 0,
      stdout: `bgppeers/${name} created (server dry run)\n`,
    });
    expect(await run("create", "-f", file, "--dry-run=client")).toMatchObject({
      code: 0,
      stdout: `bgppeers/${name} created (client dry run)\n`,
    });
    expect((await run("get", "bgppeer", name)).code).toBe(1);
  });

  it("Ctrl-C while a node is asked for its BGP state is exit 130, and the question is withdrawn", async () => {
    // A Node with no calico-node behind it: `bgp status` waits for an answer that never comes.
    const node = uniqueName("silent-node");
    const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
    const asked = async () =>
      (await client.calicoNodeStatuses.listAll()).items.filter((s) => s.spec?.node === node);
    try {
      await admin.request({
        method: "POST",
        path: "/api/v1/nodes",
        body: { metadata: { name: node } },
      });
      const status = startCli(cli, [
        "--kubeconfig",
        kubeconfig,
        "bgp",
        "status",
        node,
        "--wait",
        "5m",
      ]);
      // Barrier: the CalicoNodeStatus that asks the node exists, so the command is waiting.
      while ((await asked()).length === 0) await new Promise((r) => setImmediate(r));
      process.kill(status.pid, "SIGINT");
      const result = await status.done;
      expect(result.code).toBe(130);
      expect(result.stderr).toContain("error: interrupted by Ctrl-C before the command finished");
      // what was asked is reported as aborted, not as an unexpected failure
      expect(result.stdout).toContain("aborted by the caller");
      expect(result.stdout).not.toContain("please report");
      expect(await asked()).toEqual([]);
    } finally {
      await admin.request({ method: "DELETE", path: `/api/v1/nodes/${node}` });
      admin.close();
    }
  });

  it("a migration plan naming nodes that do not exist is refused with exit 2, nothing written", async () => {
    // only the peers a migration writes (its ownership label): files running in parallel create
    // and delete other BGPPeers on this shared control plane meanwhile
    const migrationPeers = async () =>
      (
        await client.bgpPeers.listAll({ labelSelector: "app.kubernetes.io/managed-by=calicokit" })
      ).items.map((p) => p.metadata.name);
    const peersBefore = await migrationPeers();
    const result = await run(
      "migrate",
      "plan",
      "--to",
      "route-reflectors",
      "--rr-nodes",
      "ghost-1,ghost-2",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ghost-1/);
    const apply = await run(
      "migrate",
      "apply",
      "--to",
      "route-reflectors",
      "--rr-nodes",
      "ghost-1,ghost-2",
      "--yes",
    );
    expect(apply.code).toBe(2);
    expect(await migrationPeers()).toEqual(peersBefore);
  });

  it("calico-node's namespace and ServiceAccount flags reach the request, checked like its fields", async () => {
    const result = await run(
      "migrate",
      "plan",
      "--to",
      "route-reflectors",
      "--rr-count",
      "2",
      "--calico-node-namespace",
      "Calico_System",
      "--calico-node-service-account",
      "calico-node",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("calicoNodeNamespace: a Kubernetes namespace name");
  });
});

describe("shell completion", () => {
  it("bash completion asks the binary and completes kinds and -o values", async () => {
    const script = (await runCli(cli, ["completion", "bash"])).stdout;
    const complete = async (...words: string[]) => {
      const wrapper = inputFile(
        uniqueName("calicokit-wrapper"),
        `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`,
      );
      execFileSync("chmod", ["+x", wrapper]);
      const line = `${script}\nCOMP_WORDS=(${[wrapper, ...words].map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}; _calicokit; echo "\${COMPREPLY[*]}"`;
      return execFileSync("bash", ["-c", line], { encoding: "utf8" }).trim();
    };
    expect(await complete("get", "bgpp")).toBe("bgppeers bgppeer bgpp");
    expect(await complete("get", "bgppeers", "-o", "")).toBe("table wide json yaml");
    expect(await complete("mig")).toBe("migrate");
  });
});
