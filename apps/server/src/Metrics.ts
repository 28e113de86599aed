type Labels = Readonly<Record<string, string>>;

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/**
 * The service's Prometheus metrics: HTTP latency by route, API retries, migration step durations
 * and runs by phase. `render()` gives the text exposition format served at `/metrics`.
 *
 * @example
 * ```ts
 * import { Metrics } from "@calicokit/server"
 * const metrics = new Metrics()
 * metrics.observeHttp("GET", "/v1/migrations", 200, 0.004)
 * console.log(metrics.render().includes("calicokit_http_request_duration_seconds_bucket")) // true
 * ```
 */
export class Metrics {
  private readonly http = new Map<string, Histogram>();
  private readonly steps = new Map<string, Histogram>();
  private readonly retries = new Map<string, number>();
  private runsByPhase: ReadonlyMap<string, number> = new Map();

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    observe(this.http, labelText({ method, route, status: String(status) }), seconds);
  }

  observeStep(step: string, seconds: number): void {
    observe(this.steps, labelText({ step }), seconds);
  }

  countRetry(verb: string, resource: string): void {
    const key = labelText({ verb, resource });
    this.retries.set(key, (this.retries.get(key) ?? 0) + 1);
  }

  /** The latest count of runs per phase (from the journal, refreshed by the server). */
  setRunsByPhase(counts: ReadonlyMap<string, number>): void {
    this.runsByPhase = counts;
  }

  render(): string {
    const lines: string[] = [];
    renderHistogram(
      lines,
      "calicokit_http_request_duration_seconds",
      "HTTP request latency by route",
      this.http,
    );
    renderHistogram(
      lines,
      "calicokit_step_duration_seconds",
      "Migration step durations seen by this server",
      this.steps,
    );
    lines.push("# HELP calicokit_api_retries_total Kubernetes API calls retried by the client");
    lines.push("# TYPE calicokit_api_retries_total counter");
    for (const [labels, n] of this.retries) lines.push(`calicokit_api_retries_total${labels} ${n}`);
    lines.push("# HELP calicokit_migrations Migration runs in the journal by phase");
    lines.push("# TYPE calicokit_migrations gauge");
    for (const [phase, n] of this.runsByPhase) {
      lines.push(`calicokit_migrations${labelText({ phase })} ${n}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function observe(store: Map<string, Histogram>, key: string, seconds: number): void {
  let h = store.get(key);
  if (h === undefined) {
    h = { counts: latencyBuckets.map(() => 0), sum: 0, count: 0 };
    store.set(key, h);
  }
  for (let i = 0; i < latencyBuckets.length; i++) {
    if (seconds <= (latencyBuckets[i] as number)) (h.counts[i] as number)++;
  }
  h.sum += seconds;
  h.count++;
}

function renderHistogram(
  lines: string[],
  name: string,
  help: string,
  store: ReadonlyMap<string, Histogram>,
): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  for (const [labels, h] of store) {
    const inner = labels.slice(1, -1);
    const withLe = (le: string) => `{${inner}${inner ? "," : ""}le="${le}"}`;
    latencyBuckets.forEach((le, i) => {
      lines.push(`${name}_bucket${withLe(String(le))} ${h.counts[i]}`);
    });
    lines.push(`${name}_bucket${withLe("+Inf")} ${h.count}`);
    lines.push(`${name}_sum${labels} ${h.sum}`, `${name}_count${labels} ${h.count}`);
  }
}
