import { KubeHttp, statusMessage } from "@calicokit/testkit";
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { calicoKinds } from "../src/CalicoKind.js";
import { type ValidationIssue, validateResource } from "../src/Validation.js";

// Differential test: many generated BGPPeer, BGPConfiguration and IPPool objects (valid and
// invalid mixes) are created with ?dryRun=All against real API servers with each Calico CRD set.
// Whenever the API server rejects, validateResource must reject too; whenever calicokit alone
// rejects, every issue must come from a libcalico-go rule (what the API server does not check).

const controlPlanes = inject("controlPlanes");
const runsPerKind = 300;
const seed = 20261122;

interface Answer {
  readonly status: number;
  readonly message: string;
}

async function dryRunCreate(api: KubeHttp, path: string, body: unknown): Promise<Answer> {
  const res = await api.request({ method: "POST", path: `${path}?dryRun=All`, body });
  return { status: res.status, message: statusMessage(res.text) };
}

// ---- generators: each field is absent, valid, or a known kind of invalid ----

/** Mostly valid values, sometimes one of the invalid ones. */
function mix<T>(valid: readonly T[], invalid: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) },
  );
}

/** A spec whose fields are each present with probability 1/(1 + absentWeight). */
function sparse<T extends Record<string, fc.Arbitrary<unknown>>>(
  fields: T,
  required: readonly (keyof T)[] = [],
  absentWeight = 3,
): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields).map(([key, arbitrary]) => [
    key,
    required.includes(key)
      ? arbitrary
      : fc.oneof(
          { weight: absentWeight, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary },
        ),
  ]);
  return fc
    .record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>)
    .map((spec) =>
      Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)),
    );
}

const name = mix(
  ["peer-a", "rack-1.peer", "p0", "default", "x"],
  ["Bad_Name", "UPPER", "-lead", "trail-", "a..b", "x".repeat(254)],
);
const selector = mix(
  [
    "has(route-reflector)",
    "!has(projectcalico.org/RouteReflectorClusterID)",
    "zone == 'a'",
    "zone in {'a', 'b'} && has(x)",
    "all()",
    "",
  ],
  ["zone == a", "a b", "has(", "global()", "x == 'y' ||"],
);
const asNumber = mix<number | string>(
  [64512, 65000, 2147483647, "1.10", "64513", 0],
  [-1, 2147483648, 4294967295, 1.5, "x", "65536.1"],
);
const duration = mix(["120s", "2m", "1h30m", "0", "1.5s", "-3s"], ["", "5x", "10", "1d"]);
const serviceCidr = mix(
  ["10.96.0.0/12", "192.168.0.0/16", "fd00:96::/112"],
  ["10.96.0.1/12", "10.0.0.1", "bad", "fd00:96::1/112", "010.1.0.0/16"],
).map((cidr) => ({ cidr }));
const secret = mix<unknown>(
  [{ secretKeyRef: { name: "bgp", key: "password" } }],
  [{ secretKeyRef: { key: "password" } }, { secretKeyRef: { name: "bgp" } }, {}],
);

const bgpPeerSpec = sparse({
  node: mix(["node-1", "n.example.com"], ["Node_1", ""]),
  nodeSelector: selector,
  peerIP: mix(
    ["10.0.0.1", "10.0.0.1:179", "[fd00::1]:179", "fd00::1", "::ffff:10.0.0.1", "[10.0.0.1]:179"],
    ["10.0.0.1:0", "10.0.0.1:70000", "999.1.1.1", "[fd00::1]", "", "abc", "1.2.3.4:", "010.0.0.1"],
  ),
  asNumber,
  localASNumber: asNumber,
  peerSelector: selector,
  keepOriginalNextHop: fc.boolean(),
  nextHopMode: mix(["Auto", "Self", "Keep"], ["self"]),
  password: secret,
  sourceAddress: mix(["UseNodeIP", "None"], ["none"]),
  maxRestartTime: duration,
  keepaliveTime: duration,
  numAllowedLocalASNumbers: mix([1, 3], [-1, 2147483648]),
  ttlSecurity: mix([0, 1, 255], [256, -1]),
  reachableBy: mix(["10.0.0.254", "fd00::254"], ["bad", "", "10.0.0.254:80"]),
  filters: mix([["f1"], [], ["a", "b.c"]], [["Bad_F"]]),
  localWorkloadSelector: selector,
  reversePeering: mix(["Auto", "Manual"], ["manual"]),
});

const bgpConfigurationSpec = sparse({
  logSeverityScreen: mix(["Info", "debug", "Warning", ""], ["Verbose"]),
  nodeToNodeMeshEnabled: fc.boolean(),
  asNumber,
  serviceLoadBalancerIPs: fc.array(serviceCidr, { maxLength: 2 }),
  serviceExternalIPs: fc.array(serviceCidr, { maxLength: 2 }),
  serviceClusterIPs: fc.array(serviceCidr, { maxLength: 2 }),
  serviceLoadBalancerAggregation: mix(["Enabled", "Disabled"], ["enabled"]),
  communities: fc.array(
    mix<unknown>(
      [
        { name: "c1", value: "64512:100" },
        { name: "large", value: "1:2:3" },
      ],
      [
        { name: "Bad_C", value: "1:2" },
        { name: "wide", value: "70000:1" },
        { name: "huge", value: "1:4294967296:1" },
        { name: "letters", value: "a:b" },
        { value: "1:1" },
      ],
    ),
    { maxLength: 2 },
  ),
  prefixAdvertisements: fc.array(
    mix<unknown>(
      [
        { cidr: "10.0.0.0/16", communities: ["c1"] },
        { cidr: "10.0.0.0/16", communities: ["64512:1", "1:2:3"] },
      ],
      [
        { cidr: "10.0.0.1/16", communities: ["64512:1"] },
        { cidr: "10.0.0.0/16", communities: ["unknown"] },
        { cidr: "10.0.0.0/16", communities: ["70000:1"] },
        { communities: ["1:1"] },
        { cidr: "10.0.0.0/16" },
        { cidr: "nope", communities: ["1:1"] },
      ],
    ),
    { maxLength: 2 },
  ),
  listenPort: mix([179, 1790], [0, 70000]),
  nodeMeshPassword: secret,
  nodeMeshMaxRestartTime: duration,
  bindMode: mix(["None", "NodeIP"], ["nodeip"]),
  ignoredInterfaces: mix(
    [["eth0"], ["veth*"], ["eth0", "eth1"]],
    [["*"], ["a-very-long-interface-name"], ["eth0", "eth0"], ["bad/if"]],
  ),
  localWorkloadPeeringIPV4: mix(["169.254.0.179"], ["fd00::1", "bad"]),
  localWorkloadPeeringIPV6: mix(["fe80::179"], ["169.254.0.1", "bad"]),
  programClusterRoutes: mix(
    ["Enabled", "Disabled", "EnabledIPIPOnly", "EnabledNoEncapOnly"],
    ["On"],
  ),
  ipv4NormalRoutePriority: mix([1024, 1], [0, 2147483647]),
});
const bgpConfigurationName = mix(["default", "node.node-1"], ["other", "node.Bad_N"]);

const ipPoolSpec = sparse(
  {
    cidr: mix(
      ["10.244.0.0/16", "fd00:10::/48", "169.0.0.0/8", "0.0.0.0/0", "fd00::/120", "192.168.0.0/24"],
      [
        "10.244.0.1/16",
        "fd00:10::1/48",
        "169.254.0.0/24",
        "fe80::/64",
        "10.0.0.0/30",
        "bad",
        "10.0.0.0",
        "010.1.0.0/16",
      ],
    ),
    blockSize: mix([26, 0, 20, 24, 32, 116, 122], [19, 33, 129]),
    ipipMode: mix(["Never", "Always", "CrossSubnet"], ["always"]),
    vxlanMode: mix(["Never", "Always", "CrossSubnet"], ["vxlan"]),
    natOutgoing: fc.boolean(),
    disabled: fc.boolean(),
    disableBGPExport: fc.boolean(),
    nodeSelector: selector,
    namespaceSelector: selector,
    allowedUses: mix(
      [["Workload", "Tunnel"], ["LoadBalancer"], ["Workload"], []],
      [["LoadBalancer", "Workload"], ["Tunnel", "Tunnel"], ["Bogus"]],
    ),
    assignmentMode: mix(["Automatic", "Manual"], ["auto"]),
  },
  ["cidr"],
);

const generators = {
  BGPPeer: fc.record({ name, spec: bgpPeerSpec }),
  BGPConfiguration: fc.record({ name: bgpConfigurationName, spec: bgpConfigurationSpec }),
  IPPool: fc.record({ name, spec: ipPoolSpec }),
} as const;

interface Mismatch {
  readonly object: unknown;
  readonly server: string;
  readonly calicokit: readonly ValidationIssue[] | string;
}

describe.each(["v1", "v3"] as const)("validateResource against the API server (%s CRDs)", (set) => {
  const cp = controlPlanes[set];
  const api = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
  const apiVersion = set === "v3" ? "projectcalico.org/v3" : "crd.projectcalico.org/v1";

  it.each(Object.keys(generators) as (keyof typeof generators)[])(
    "%s: every server rejection is a calicokit rejection; calicokit-only rejections are libcalico-go rules",
    async (kind) => {
      const samples = fc.sample(generators[kind], { numRuns: runsPerKind, seed });
      const path = `/apis/${apiVersion}/${calicoKinds[kind].plural}`;
      const counts = {
        total: 0,
        serverRejected: 0,
        bothRejected: 0,
        calicokitOnly: 0,
        accepted: 0,
      };
      const calicokitOnlyRules = new Map<string, number>();
      const missed: Mismatch[] = [];
      const overreached: Mismatch[] = [];

      const check = async ({ name: objectName, spec }: { name: string; spec: unknown }) => {
        const object = { apiVersion, kind, metadata: { name: objectName }, spec };
        const result = validateResource(object);
        // What calicokit would send: the normalised value when valid, else the object as given.
        const answer = await dryRunCreate(api, path, result.ok ? result.value : object);
        if (answer.status >= 500 || answer.status === 409) {
          throw new Error(`unexpected ${answer.status} from the API server: ${answer.message}`);
        }
        const serverRejected = answer.status >= 400;
        counts.total++;
        if (serverRejected) {
          counts.serverRejected++;
          if (result.ok) missed.push({ object, server: answer.message, calicokit: "accepted" });
          else counts.bothRejected++;
        } else if (!result.ok) {
          counts.calicokitOnly++;
          const notLibcalico = result.issues.filter((issue) => issue.source !== "libcalico-go");
          if (notLibcalico.length > 0) {
            overreached.push({
              object,
              server: `accepted (${answer.status})`,
              calicokit: notLibcalico,
            });
          }
          for (const issue of result.issues) {
            calicokitOnlyRules.set(issue.rule, (calicokitOnlyRules.get(issue.rule) ?? 0) + 1);
          }
        } else {
          counts.accepted++;
        }
      };
      // A few requests in flight at a time: fast, without flooding the shared server.
      for (let i = 0; i < samples.length; i += 8) {
        await Promise.all(samples.slice(i, i + 8).map(check));
      }

      const rules = [...calicokitOnlyRules].sort((a, b) => b[1] - a[1]);
      console.log(
        `[differential ${set} ${kind}] ${JSON.stringify(counts)} calicokit-only by rule: ${JSON.stringify(Object.fromEntries(rules))}`,
      );
      expect(missed, "the API server rejected these but validateResource accepted them").toEqual(
        [],
      );
      expect(
        overreached,
        "validateResource rejected these for a non-libcalico-go rule, the API server accepted them",
      ).toEqual([]);
      expect(counts.serverRejected).toBeGreaterThan(0);
      expect(counts.accepted).toBeGreaterThan(0);
    },
  );
});
