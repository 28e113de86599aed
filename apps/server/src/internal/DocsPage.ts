// The reference page: plain HTML and a small script that renders /openapi.json in the browser.
// Served with a strict CSP: no external scripts, styles or connections.
export function docsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>calicokit API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h2{margin-top:2rem;border-bottom:1px solid #ddd}.op{margin:1rem 0;padding:.6rem .8rem;border:1px solid #ddd;border-radius:6px}
.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}
</style></head><body>
<h1 id="title">calicokit API</h1><p id="description"></p><div id="ops"></div>
<script>
fetch("/openapi.json").then((r) => r.json()).then((doc) => {
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  document.getElementById("description").textContent = doc.info.description || "";
  const ops = document.getElementById("ops");
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const box = document.createElement("div"); box.className = "op";
      const head = document.createElement("div");
      const m = document.createElement("span"); m.className = "m"; m.textContent = method;
      const p = document.createElement("code"); p.textContent = path;
      head.append(m, p, document.createTextNode(" - " + (op.summary || "")));
      const detail = document.createElement("pre");
      detail.textContent = JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody, responses: Object.keys(op.responses) }, null, 2);
      box.append(head, detail); ops.append(box);
    }
  }
  const schemas = document.createElement("pre");
  schemas.textContent = JSON.stringify(doc.components, null, 2);
  const h = document.createElement("h2"); h.textContent = "Schemas";
  ops.append(h, schemas);
});
</script></body></html>`;
}
