import type { CommandSpec, FlagSpec } from "./CommandSpec.js";
import { resourceWords } from "./ResourceNames.js";

// The command tree: names, options, help and which module runs each command. Handlers are
// imported only when their command runs, so help, completion and --version stay cheap.

const objectFormats = ["table", "wide", "json", "yaml"] as const;

const filenameFlag: FlagSpec = {
  name: "filename",
  short: "f",
  type: "string",
  placeholder: "FILE",
  repeatable: true,
  files: true,
  help: "YAML or JSON file (multi-document); `-` reads stdin; may be repeated",
};
const dryRunFlag: FlagSpec = {
  name: "dry-run",
  type: "string",
  values: ["none", "client", "server"],
  placeholder: "MODE",
  help: "client: validate and print, send nothing; server: the API server checks, stores nothing",
};
const asNumberRangeFlag: FlagSpec = {
  name: "as-number-range",
  type: "string",
  values: ["int32", "uint32"],
  placeholder: "RANGE",
  help: "AS numbers above 2147483647: refused (int32, current CRDs) or accepted with a warning",
};
const labNameFlag: FlagSpec = {
  name: "name",
  type: "string",
  placeholder: "NAME",
  help: "the lab's name (default: calicokit)",
};
const kindArg = { name: "KIND", help: "resource type", required: true, values: resourceWords };

const resource = () => import("./commands/ResourceCommands.js");
const lab = () => import("./commands/LabCommands.js");
const bgp = () => import("./commands/BgpCommands.js");
const migrate = () => import("./commands/MigrateCommands.js");

const migrationPlanFlags: readonly FlagSpec[] = [
  {
    name: "to",
    type: "string",
    values: ["route-reflectors", "mesh", "reflector-set"],
    placeholder: "TOPOLOGY",
    help: "the topology wanted",
  },
  {
    name: "rr-nodes",
    type: "string",
    placeholder: "A,B,...",
    help: "the route reflectors, by node name (the full new set for reflector-set)",
  },
  {
    name: "rr-count",
    type: "string",
    placeholder: "N",
    help: "how many reflectors the planner picks (Ready nodes spread over zones)",
  },
  {
    name: "cluster-id",
    type: "string",
    placeholder: "IP",
    help: "the reflectors' routeReflectorClusterID (default 244.0.0.1)",
  },
  {
    name: "allow-single-reflector",
    type: "boolean",
    help: "accept fewer than 2 reflectors",
  },
  { name: "allow-single-zone", type: "boolean", help: "accept reflectors all in one zone" },
  {
    name: "calico-node-namespace",
    type: "string",
    placeholder: "NS",
    help: "calico-node's namespace, where BGP password Secrets must be (default kube-system; operator installs: calico-system)",
  },
  {
    name: "calico-node-service-account",
    type: "string",
    placeholder: "NAME",
    help: "calico-node's ServiceAccount, checked for the right to read BGP password Secrets (default calico-node)",
  },
  {
    name: "namespace",
    type: "string",
    placeholder: "NS",
    help: "where the journal and lock live (default kube-system)",
  },
];

const namespaceFlag = migrationPlanFlags.find((f) => f.name === "namespace") as FlagSpec;
const verifyTimeoutFlag: FlagSpec = {
  name: "verify-timeout",
  type: "string",
  placeholder: "DURATION",
  help: "how long each check of the nodes' BGP sessions may wait (default 2m; longer for big clusters)",
};

/** The whole command line of `calicokit`. */
export const rootCommand: CommandSpec = {
  name: "calicokit",
  summary: "change a Calico cluster's BGP topology safely",
  description:
    "Validate, diff and apply Calico resources with Calico's own rules, read the BGP status of every node, rehearse in a local lab with real BIRD, and move between the full mesh and route reflectors with a plan, live progress and a way back.",
  commands: [
    {
      name: "get",
      summary: "list or show resources",
      args: [kindArg, { name: "NAME", help: "names to show (default: all)", variadic: true }],
      flags: [
        {
          name: "selector",
          short: "l",
          type: "string",
          placeholder: "SELECTOR",
          help: "Kubernetes label selector, e.g. app=web",
        },
      ],
      outputs: objectFormats,
      examples: ["calicokit get bgppeers", "calicokit get bgpconfig default -o yaml"],
      run: () => resource().then((m) => m.get),
    },
    {
      name: "create",
      summary: "create the resources of a file (fails on those that exist)",
      flags: [filenameFlag, dryRunFlag, asNumberRangeFlag],
      outputs: ["table", "json", "yaml"],
      examples: ["calicokit create -f peers.yaml"],
      run: () => resource().then((m) => m.create),
    },
    {
      name: "apply",
      summary: "create or update the resources of a file (server-side apply)",
      description:
        "A projectcalico.org/v3 Node, as `calicoctl get node -o yaml` prints it, changes only the Calico annotations of the core Node, as calicoctl does with the Kubernetes datastore.",
      flags: [
        filenameFlag,
        dryRunFlag,
        asNumberRangeFlag,
        {
          name: "force-conflicts",
          type: "boolean",
          help: "take over fields another manager owns",
        },
      ],
      outputs: ["table", "json", "yaml"],
      examples: ["calicokit apply -f bgp.yaml", "cat peer.yaml | calicokit apply -f -"],
      run: () => resource().then((m) => m.apply),
    },
    {
      name: "replace",
      summary: "replace existing resources with the file's (fails on those that do not exist)",
      flags: [filenameFlag, dryRunFlag, asNumberRangeFlag],
      outputs: ["table", "json", "yaml"],
      run: () => resource().then((m) => m.replace),
    },
    {
      name: "delete",
      summary: "delete resources by name or by file",
      args: [
        { name: "KIND", help: "resource type (without -f)", values: resourceWords },
        { name: "NAME", help: "names to delete", variadic: true },
      ],
      flags: [
        filenameFlag,
        dryRunFlag,
        { name: "ignore-not-found", type: "boolean", help: "a missing resource is not an error" },
      ],
      examples: ["calicokit delete bgppeer peer-to-rrs", "calicokit delete -f peers.yaml"],
      run: () => resource().then((m) => m.remove),
    },
    {
      name: "patch",
      summary: "change fields of one resource with a JSON merge patch",
      args: [kindArg, { name: "NAME", help: "the resource", required: true }],
      flags: [
        {
          name: "patch",
          short: "p",
          type: "string",
          placeholder: "JSON",
          help: 'the merge patch, e.g. \'{"spec":{"asNumber":64513}}\'',
        },
        dryRunFlag,
      ],
      outputs: ["table", "json", "yaml"],
      run: () => resource().then((m) => m.patch),
    },
    {
      name: "label",
      summary: "set (key=value) or remove (key-) labels of one resource",
      args: [
        kindArg,
        { name: "NAME", help: "the resource", required: true },
        { name: "KEY=VALUE|KEY-", help: "label changes", variadic: true, required: true },
      ],
      flags: [
        { name: "overwrite", type: "boolean", help: "allow changing a label that has a value" },
        dryRunFlag,
      ],
      outputs: ["table", "json", "yaml"],
      run: () => resource().then((m) => m.label),
    },
    {
      name: "diff",
      summary: "show what applying a file would change (live vs file)",
      flags: [filenameFlag, asNumberRangeFlag],
      run: () => resource().then((m) => m.diff),
    },
    {
      name: "validate",
      summary: "check files offline against every rule of Calico (no cluster needed)",
      flags: [filenameFlag, asNumberRangeFlag],
      outputs: ["table", "json"],
      examples: ["calicokit validate -f peer.yaml"],
      run: () => import("./commands/ValidateCommand.js").then((m) => m.validate),
    },
    {
      name: "selector",
      summary: "Calico selectors",
      commands: [
        {
          name: "test",
          summary: "check a selector and list the nodes it selects",
          args: [{ name: "EXPRESSION", help: "e.g. 'has(route-reflector)'", required: true }],
          flags: [
            {
              name: "offline",
              type: "boolean",
              help: "only check the syntax (no cluster needed)",
            },
          ],
          outputs: ["table", "json", "yaml"],
          examples: ["calicokit selector test 'zone == \"zone-a\" && !has(route-reflector)'"],
          run: () => import("./commands/SelectorCommands.js").then((m) => m.test),
        },
      ],
    },
    {
      name: "bgp",
      summary: "BGP sessions as the nodes see them",
      commands: [
        {
          name: "status",
          summary: "each node's BGP peers and their state, as calicoctl node status prints them",
          args: [{ name: "NODE", help: "nodes to ask (or --all)", variadic: true }],
          flags: [
            { name: "all", type: "boolean", help: "every node" },
            {
              name: "wait",
              type: "string",
              placeholder: "DURATION",
              help: "how long a node may take to answer (default 60s)",
            },
          ],
          outputs: ["table", "json", "yaml"],
          examples: ["calicokit bgp status --all", "calicokit bgp status node-1 -o json"],
          run: () => bgp().then((m) => m.status),
        },
        {
          name: "topology",
          summary: "the session graph (mesh or reflectors), coloured by state",
          flags: [
            {
              name: "wait",
              type: "string",
              placeholder: "DURATION",
              help: "how long a node may take to answer (default 60s)",
            },
          ],
          outputs: ["dot", "svg", "json"],
          examples: ["calicokit bgp topology -o dot | dot -Tpng > bgp.png"],
          run: () => bgp().then((m) => m.topology),
        },
      ],
    },
    {
      name: "lab",
      summary: "a local cluster with real BGP (BIRD per node), for rehearsal; needs root",
      commands: [
        {
          name: "up",
          summary: "start a lab in the background; returns once the full mesh is Established",
          flags: [
            labNameFlag,
            { name: "nodes", type: "string", placeholder: "K", help: "nodes (default 4)" },
            { name: "zones", type: "string", placeholder: "Z", help: "zones (default 2)" },
            {
              name: "api",
              type: "string",
              values: ["v3", "v1"],
              placeholder: "GROUP",
              help: "the Calico API group the lab serves (default v3)",
            },
          ],
          outputs: ["table", "json"],
          examples: ["calicokit lab up --nodes 6 --zones 3"],
          run: () => lab().then((m) => m.up),
        },
        {
          name: "status",
          summary: "the lab's nodes, addresses and kubeconfig",
          flags: [labNameFlag],
          outputs: ["table", "json", "yaml"],
          run: () => lab().then((m) => m.status),
        },
        {
          name: "down",
          summary: "stop the lab and remove everything it created",
          flags: [labNameFlag],
          run: () => lab().then((m) => m.down),
        },
        {
          name: "fault",
          summary: "inject a fault into a running lab",
          args: [
            {
              name: "FAULT",
              help: "stop-bird or start-bird",
              required: true,
              values: ["stop-bird", "start-bird"],
            },
            { name: "NODE", help: "the lab node", required: true },
          ],
          flags: [labNameFlag],
          run: () => lab().then((m) => m.fault),
        },
        {
          name: "gaps",
          summary:
            "the route probe's gaps: when a node lacked its route to another node's pod block",
          flags: [
            labNameFlag,
            {
              name: "since",
              type: "string",
              placeholder: "TIME",
              help: "only gaps after this ISO time",
            },
          ],
          outputs: ["table", "json"],
          run: () => lab().then((m) => m.gaps),
        },
        {
          name: "serve",
          summary: "runs a lab in this process until `lab down` (started by `lab up`)",
          hidden: true,
          flags: [
            labNameFlag,
            { name: "nodes", type: "string", help: "" },
            { name: "zones", type: "string", help: "" },
            { name: "api", type: "string", values: ["v3", "v1"], help: "" },
          ],
          run: () => lab().then((m) => m.serve),
        },
      ],
    },
    {
      name: "migrate",
      summary: "move between the full mesh and route reflectors, planned and reversible",
      commands: [
        {
          name: "plan",
          summary: "print what a migration would change and why (writes nothing)",
          flags: [
            ...migrationPlanFlags,
            {
              name: "out",
              type: "string",
              placeholder: "FILE",
              files: true,
              help: "also write the plan as JSON, for `migrate apply --plan`",
            },
          ],
          outputs: ["table", "json", "yaml"],
          examples: ["calicokit migrate plan --to route-reflectors --rr-count 3 --out plan.json"],
          run: () => migrate().then((m) => m.plan),
        },
        {
          name: "apply",
          summary: "run a migration with live progress; Ctrl-C rolls it back",
          flags: [
            {
              name: "plan",
              type: "string",
              placeholder: "FILE",
              files: true,
              help: "a plan written by `migrate plan --out` (else the plan flags)",
            },
            ...migrationPlanFlags,
            { name: "yes", short: "y", type: "boolean", help: "do not ask for confirmation" },
            {
              name: "approve-mesh-disable",
              type: "boolean",
              help: "pass the approval gate before the mesh is disabled without stopping",
            },
            verifyTimeoutFlag,
          ],
          outputs: ["table", "json"],
          examples: ["calicokit migrate apply --to route-reflectors --rr-count 3 --yes"],
          run: () => migrate().then((m) => m.apply),
        },
        {
          name: "status",
          summary: "one run's journal (default: the latest run)",
          args: [{ name: "RUN", help: "run id" }],
          flags: [namespaceFlag],
          outputs: ["table", "json", "yaml"],
          run: () => migrate().then((m) => m.status),
        },
        {
          name: "list",
          summary: "every run recorded in the cluster",
          flags: [namespaceFlag],
          outputs: ["table", "json", "yaml"],
          run: () => migrate().then((m) => m.list),
        },
        {
          name: "resume",
          summary: "continue an interrupted run, or finish its rollback",
          args: [{ name: "RUN", help: "run id (default: the latest unfinished run)" }],
          flags: [namespaceFlag, verifyTimeoutFlag],
          outputs: ["table", "json"],
          run: () => migrate().then((m) => m.resume),
        },
        {
          name: "approve",
          summary: "let a run waiting at the approval gate disable the mesh",
          args: [{ name: "RUN", help: "run id", required: true }],
          flags: [namespaceFlag],
          run: () => migrate().then((m) => m.approve),
        },
        {
          name: "rollback",
          summary: "undo a run's changes in reverse order",
          args: [{ name: "RUN", help: "run id (default: the latest run)" }],
          flags: [namespaceFlag, verifyTimeoutFlag],
          outputs: ["table", "json"],
          run: () => migrate().then((m) => m.rollback),
        },
      ],
    },
    {
      name: "completion",
      summary: "print a shell completion script",
      args: [
        {
          name: "SHELL",
          help: "bash, zsh or fish",
          required: true,
          values: ["bash", "zsh", "fish"],
        },
      ],
      examples: [
        "source <(calicokit completion bash)",
        "calicokit completion fish > ~/.config/fish/completions/calicokit.fish",
      ],
      run: () => import("./Completion.js").then((m) => m.completionCommand),
    },
    {
      name: "version",
      summary: "print the version",
      outputs: ["table", "json"],
      run: () => import("./Version.js").then((m) => m.versionCommand),
    },
  ],
};

/** Options every command accepts. */
export const globalFlags: readonly FlagSpec[] = [
  {
    name: "kubeconfig",
    type: "string",
    placeholder: "FILE",
    files: true,
    help: "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)",
  },
  { name: "context", type: "string", placeholder: "NAME", help: "kubeconfig context to use" },
  {
    name: "output",
    short: "o",
    type: "string",
    placeholder: "FORMAT",
    help: "output format (the command's help lists its formats)",
  },
  {
    name: "timeout",
    type: "string",
    placeholder: "DURATION",
    help: "give up after this long, e.g. 30s or 5m (default: none)",
  },
  { name: "verbose", short: "v", type: "boolean", help: "more detail on errors and progress" },
  { name: "no-color", type: "boolean", help: "plain text, no ANSI colours" },
  { name: "help", short: "h", type: "boolean", help: "show help" },
];
