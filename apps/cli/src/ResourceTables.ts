import { age, type Column } from "./Output.js";
import type { ResourceClientName } from "./ResourceNames.js";

type Shown = {
  metadata: { name: string; creationTimestamp?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
};

const text = (value: unknown): string =>
  value === undefined || value === null || value === ""
    ? "<none>"
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
const spec = (key: string) => (item: Shown) => text(item.spec?.[key]);
const name: Column<Shown> = { header: "NAME", cell: (item) => item.metadata.name };
const ageColumn: Column<Shown> = {
  header: "AGE",
  cell: (item) => age(item.metadata.creationTimestamp),
};
const labels: Column<Shown> = {
  header: "LABELS",
  wide: true,
  cell: (item) =>
    text(
      Object.entries(item.metadata.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    ),
};

/** The table columns of each kind (calicoctl's, plus kubectl's AGE; more with -o wide). */
export const resourceColumns: Readonly<Record<ResourceClientName, readonly Column<Shown>[]>> = {
  bgpConfigurations: [
    name,
    { header: "LOGSEVERITY", cell: spec("logSeverityScreen") },
    { header: "MESHENABLED", cell: spec("nodeToNodeMeshEnabled") },
    { header: "ASNUMBER", cell: spec("asNumber") },
    { header: "LISTENPORT", cell: spec("listenPort"), wide: true },
    ageColumn,
  ],
  bgpPeers: [
    name,
    { header: "PEERIP", cell: spec("peerIP") },
    {
      header: "NODE",
      cell: (item) => text(item.spec?.node ?? item.spec?.nodeSelector ?? "(global)"),
    },
    { header: "ASN", cell: spec("asNumber") },
    { header: "PEERSELECTOR", cell: spec("peerSelector"), wide: true },
    ageColumn,
  ],
  bgpFilters: [
    name,
    {
      header: "RULES",
      cell: (item) =>
        String(
          ["exportV4", "importV4", "exportV6", "importV6"].reduce(
            (n, k) => n + ((item.spec?.[k] as unknown[] | undefined)?.length ?? 0),
            0,
          ),
        ),
    },
    ageColumn,
  ],
  ipPools: [
    name,
    { header: "CIDR", cell: spec("cidr") },
    { header: "SELECTOR", cell: spec("nodeSelector") },
    { header: "IPIP", cell: spec("ipipMode"), wide: true },
    { header: "VXLAN", cell: spec("vxlanMode"), wide: true },
    { header: "NATOUTGOING", cell: spec("natOutgoing"), wide: true },
    { header: "DISABLED", cell: spec("disabled"), wide: true },
    ageColumn,
  ],
  calicoNodeStatuses: [name, { header: "NODE", cell: spec("node") }, ageColumn],
  nodes: [
    name,
    {
      header: "ASN",
      cell: (item) =>
        text((item.spec?.bgp as Record<string, unknown> | undefined)?.asNumber ?? "(64512)"),
    },
    {
      header: "IPV4",
      cell: (item) => text((item.spec?.bgp as Record<string, unknown> | undefined)?.ipv4Address),
    },
    {
      header: "IPV6",
      cell: (item) => text((item.spec?.bgp as Record<string, unknown> | undefined)?.ipv6Address),
      wide: true,
    },
    {
      header: "RR-CLUSTER-ID",
      cell: (item) =>
        text((item.spec?.bgp as Record<string, unknown> | undefined)?.routeReflectorClusterID),
    },
    labels,
    ageColumn,
  ],
};
