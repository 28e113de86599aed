/** The BGP session graph `bgp topology` prints. */
export interface BgpGraph {
  readonly nodes: readonly {
    readonly name: string;
    readonly ipv4: string | null;
    readonly zone: string | null;
    readonly routeReflector: boolean;
    /** The node reported its sessions (false: it did not answer in time). */
    readonly answered: boolean;
  }[];
  /** One per peering (both ends' reports merged); `established` when every report says so. */
  readonly sessions: readonly {
    readonly from: string;
    readonly to: string;
    readonly type: string;
    readonly established: boolean;
    readonly states: readonly string[];
  }[];
}

const quote = (s: string) => JSON.stringify(s);

/**
 * Graphviz DOT: reflectors as double circles, zones as clusters, sessions green when
 * Established and red otherwise (dashed for the node-to-node mesh).
 *
 * @example
 * ```ts
 * renderDot({ nodes: [], sessions: [] }) // "graph bgp {\n ... }\n"
 * ```
 */
export function renderDot(graph: BgpGraph): string {
  const lines = [
    "graph bgp {",
    '  graph [overlap=false, splines=true, fontname="sans-serif"];',
    '  node [shape=circle, fontname="sans-serif"];',
  ];
  const zones = new Map<string, BgpGraph["nodes"][number][]>();
  for (const node of graph.nodes)
    zones.set(node.zone ?? "", [...(zones.get(node.zone ?? "") ?? []), node]);
  let index = 0;
  for (const [zone, nodes] of zones) {
    const indent = zone === "" ? "  " : "    ";
    if (zone !== "") lines.push(`  subgraph cluster_${index++} {`, `    label=${quote(zone)};`);
    for (const node of nodes) {
      const shape = node.routeReflector ? "doublecircle" : "circle";
      const color = node.answered ? "black" : "grey";
      lines.push(
        `${indent}${quote(node.name)} [shape=${shape}, color=${color}, tooltip=${quote(node.ipv4 ?? "")}];`,
      );
    }
    if (zone !== "") lines.push("  }");
  }
  for (const s of graph.sessions) {
    const color = s.established ? "darkgreen" : "red";
    const style = s.type === "NodeMesh" ? "dashed" : "solid";
    lines.push(
      `  ${quote(s.from)} -- ${quote(s.to)} [color=${color}, style=${style}, tooltip=${quote(s.states.join(", "))}];`,
    );
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * A standalone SVG (no Graphviz needed): nodes on a circle, reflectors drawn with a double ring,
 * sessions as lines coloured by state.
 *
 * @example
 * ```ts
 * renderSvg({ nodes: [], sessions: [] }).startsWith("<svg") // true
 * ```
 */
export function renderSvg(graph: BgpGraph): string {
  const size = 480;
  const centre = size / 2;
  const radius = size / 2 - 60;
  const position = new Map<string, { x: number; y: number }>();
  graph.nodes.forEach((node, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, graph.nodes.length) - Math.PI / 2;
    position.set(node.name, {
      x: centre + radius * Math.cos(angle),
      y: centre + radius * Math.sin(angle),
    });
  });
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="12">`,
  ];
  for (const s of graph.sessions) {
    const a = position.get(s.from);
    const b = position.get(s.to);
    if (!a || !b) continue;
    const color = s.established ? "#2e7d32" : "#c62828";
    const dash = s.type === "NodeMesh" ? ' stroke-dasharray="4 3"' : "";
    parts.push(
      `  <line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="${color}" stroke-width="2"${dash}><title>${escapeXml(s.states.join(", "))}</title></line>`,
    );
  }
  for (const node of graph.nodes) {
    const p = position.get(node.name) as { x: number; y: number };
    const stroke = node.answered ? "#222" : "#999";
    parts.push(
      `  <circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="22" fill="#fff" stroke="${stroke}" stroke-width="2"/>`,
    );
    if (node.routeReflector)
      parts.push(
        `  <circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="17" fill="none" stroke="${stroke}" stroke-width="2"/>`,
      );
    const label = node.zone ? `${node.name} (${node.zone})` : node.name;
    parts.push(
      `  <text x="${p.x.toFixed(1)}" y="${(p.y + 38).toFixed(1)}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
