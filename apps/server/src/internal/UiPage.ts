// The /ui page: follows one run live. The token and run id come from the URL fragment
// (#run=<id>&token=<token>), which browsers never send to the server, or from the form.
// EventSource cannot send an Authorization header, so the page reads the event stream with
// fetch and parses Server-Sent Events itself (resuming with Last-Event-ID after a drop).
export function uiPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>calicokit run</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:64rem;padding:0 1rem;color:#222}
#phase{font-weight:700;padding:.1rem .5rem;border-radius:4px;background:#eee}
#phase.Succeeded{background:#c8f0c8}#phase.RolledBack,#phase.RollbackFailed{background:#f6c8c8}#phase.Degraded{background:#f6e0b0}
ol{padding-left:1.3rem}li{margin:.2rem 0}.state{font-size:12px;margin-left:.5rem;padding:0 .3rem;border-radius:3px;background:#eee}
.succeeded{background:#c8f0c8}.running{background:#fff1b8}.failed{background:#f6c8c8}.compensated,.compensating{background:#e0d8f8}
#log{font:12px monospace;max-height:14rem;overflow:auto;background:#f6f6f6;padding:.4rem}
svg{border:1px solid #ddd;border-radius:6px}form input{width:22rem}
</style></head><body>
<h1>calicokit run <span id="run"></span> <span id="phase">connecting</span></h1>
<form id="login"><input id="runInput" placeholder="run id (mig-...)"> <input id="tokenInput" type="password" placeholder="bearer token"> <button>follow</button></form>
<p>Sessions to route reflectors Established: <b id="sessions">-</b></p>
<div style="display:flex;gap:1.5rem;flex-wrap:wrap"><div><h2>Steps</h2><ol id="steps"></ol></div>
<div><h2>Session graph</h2><svg id="graph" width="420" height="320" role="img" aria-label="session graph"></svg></div></div>
<h2>Events</h2><div id="log"></div>
<script>
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.hash.slice(1));
let run = params.get("run"), token = params.get("token");
const state = { steps: [], phase: "", established: 0, wanted: 0, reflectors: [], clients: [], verified: false };
$("login").addEventListener("submit", (e) => { e.preventDefault(); run = $("runInput").value.trim(); token = $("tokenInput").value.trim(); start(); });
const api = (path) => fetch(path, { headers: { authorization: "Bearer " + token } }).then(async (r) => { if (!r.ok) throw new Error((await r.json()).detail); return r.json(); });
function render() {
  $("run").textContent = run || "";
  $("phase").textContent = state.phase; $("phase").className = state.phase;
  $("sessions").textContent = state.wanted ? state.established + " / " + state.wanted : "-";
  const steps = $("steps"); steps.replaceChildren();
  for (const s of state.steps) {
    const li = document.createElement("li"); li.textContent = s.title;
    const tag = document.createElement("span"); tag.className = "state " + s.state; tag.textContent = s.state;
    li.dataset.step = s.id; li.append(tag); steps.append(li);
  }
  drawGraph();
}
function drawGraph() {
  const svg = $("graph"), ns = "http://www.w3.org/2000/svg"; svg.replaceChildren();
  const rr = state.reflectors, cl = state.clients, cx = 210, cy = 160;
  const pos = new Map();
  rr.forEach((n, i) => pos.set(n, [cx + 60 * Math.cos((2 * Math.PI * i) / rr.length), cy + 60 * Math.sin((2 * Math.PI * i) / rr.length)]));
  cl.forEach((n, i) => pos.set(n, [cx + 140 * Math.cos((2 * Math.PI * i) / cl.length + 0.3), cy + 140 * Math.sin((2 * Math.PI * i) / cl.length + 0.3)]));
  const up = state.wanted > 0 && state.established >= state.wanted;
  for (const c of cl) for (const r of rr) {
    const [x1, y1] = pos.get(c), [x2, y2] = pos.get(r), line = document.createElementNS(ns, "line");
    Object.entries({ x1, y1, x2, y2, stroke: up ? "#2a2" : "#bbb", "stroke-width": up ? 2 : 1, "stroke-dasharray": up ? "" : "4 3" }).forEach(([k, v]) => line.setAttribute(k, v));
    svg.append(line);
  }
  for (const [name, [x, y]] of pos) {
    const g = document.createElementNS(ns, "g"), c = document.createElementNS(ns, "circle"), t = document.createElementNS(ns, "text");
    Object.entries({ cx: x, cy: y, r: 9, fill: rr.includes(name) ? "#36c" : "#999" }).forEach(([k, v]) => c.setAttribute(k, v));
    Object.entries({ x: x + 11, y: y + 4, "font-size": 11 }).forEach(([k, v]) => t.setAttribute(k, v));
    t.textContent = name; g.append(c, t); svg.append(g);
  }
}
function apply(e) {
  const line = document.createElement("div"); line.textContent = e.seq + " " + e.type + (e.step ? " " + e.step : "") + (e.detail ? ": " + e.detail : "");
  $("log").append(line); $("log").scrollTop = 1e9;
  const step = state.steps.find((s) => s.id === e.step);
  if (e.type === "planned") setPlan(e.plan);
  if (e.type === "step-started" && step) step.state = "running";
  if (e.type === "step-succeeded" && step) step.state = "succeeded";
  if (e.type === "step-failed" && step) step.state = "failed";
  if (e.type === "compensating" && step) step.state = "compensating";
  if (e.type === "compensated" && step) step.state = "compensated";
  if (e.type === "step-progress" && e.wanted !== undefined) { state.established = e.established; state.wanted = e.wanted; }
  if (e.type === "awaiting-approval") state.phase = "AwaitingApproval";
  if (e.type === "degraded") { state.phase = "Degraded"; state.established = e.established; state.wanted = e.wanted; }
  if (e.type === "succeeded") state.phase = "Succeeded";
  if (e.type === "rolled-back") state.phase = "RolledBack";
  if (e.type === "rollback-failed") state.phase = "RollbackFailed";
  if (e.type === "step-started" && !["Succeeded", "RolledBack", "RollbackFailed"].includes(state.phase)) state.phase = e.step.startsWith("verify") ? "Verifying" : "Applying";
  render();
}
function setPlan(plan) {
  state.reflectors = plan.routeReflectors.map((r) => r.name);
  if (!state.steps.length) state.steps = plan.steps.map((s) => ({ id: s.id, title: s.title, state: "pending" }));
}
async function follow(lastId) {
  const res = await fetch("/v1/migrations/" + encodeURIComponent(run) + "/events", { headers: { authorization: "Bearer " + token, ...(lastId ? { "last-event-id": String(lastId) } : {}) } });
  if (!res.ok) throw new Error((await res.json()).detail);
  const reader = res.body.getReader(), decoder = new TextDecoder(); let buffer = "", last = lastId;
  for (;;) {
    const { value, done } = await reader.read(); if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\\n\\n")) >= 0) {
      const frame = buffer.slice(0, end); buffer = buffer.slice(end + 2);
      let event = "message", data = "";
      for (const l of frame.split("\\n")) { if (l.startsWith("event:")) event = l.slice(6).trim(); else if (l.startsWith("data:")) data += l.slice(5).trim(); else if (l.startsWith("id:")) last = Number(l.slice(3)); }
      if (event === "end") return;
      if (data) apply(JSON.parse(data));
    }
  }
  // the stream dropped (a replica went away): pick up where it stopped
  await new Promise((r) => setTimeout(r, 1000)); return follow(last);
}
async function start() {
  if (!run || !token) { state.phase = "enter a run id and token"; return render(); }
  $("login").hidden = true;
  try {
    const record = await api("/v1/migrations/" + encodeURIComponent(run));
    setPlan(record.plan); state.phase = record.phase;
    state.steps = record.steps.map((s) => ({ id: s.id, title: s.title, state: s.state }));
    if (record.sessions) { state.established = record.sessions.established; state.wanted = record.sessions.wanted; }
    const nodes = await api("/v1/resources/nodes").catch(() => ({ items: [] }));
    state.clients = nodes.items.map((n) => n.metadata.name).filter((n) => !state.reflectors.includes(n));
    render(); state.steps.forEach((s) => (s.state = "pending"));
    await follow(0);
  } catch (error) { state.phase = "error: " + error.message; }
  render();
}
start();
</script></body></html>`;
}
