#!/usr/bin/env bash
# make demo: Calico's documented mesh -> route-reflector procedure on one lab (the baseline), then
# calicokit itself on a second lab: lab up, bgp status, migrate apply with live progress,
# bgp status and topology after, the route gaps of both side by side, lab down. Whatever happens
# (an error, Ctrl-C), the trap takes the lab down, so nothing is left running.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
calicokit="$root/bin/calicokit"
lab=demo-cli
nodes="${DEMO_NODES:-6}"
log="$(mktemp -t calicokit-demo.XXXXXX)"
start_us=${EPOCHREALTIME/./}

say() {
  local tenths=$(((${EPOCHREALTIME/./} - start_us) / 100000))
  printf '%5d.%ds  %s\n' $((tenths / 10)) $((tenths % 10)) "$*"
}
cleanup() {
  "$calicokit" lab down --name "$lab" >/dev/null 2>&1 || true
  rm -f "$log"
}
trap cleanup EXIT
trap 'echo; say "interrupted: tearing the labs down"; exit 130' INT TERM

say "1/2  the baseline: Calico's documented procedure, run step by step against its own lab"
node "$root/packages/lab/dist/demo.js" | tee "$log" | sed -u 's/^/     | /'
baseline="$(grep 'route probe:' "$log" | sed 's/^ *[0-9.]*s  route probe: //')"

say "2/2  calicokit: a ${nodes}-node lab in 3 zones, left running in the background"
"$calicokit" lab up --name "$lab" --nodes "$nodes" --zones 3
kubeconfig="$("$calicokit" lab status --name "$lab" -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).kubeconfig))')"
export KUBECONFIG="$kubeconfig"

say "calicokit bgp status --all   (every node's sessions, read through CalicoNodeStatus)"
"$calicokit" bgp status --all

since="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
say "calicokit migrate apply --to route-reflectors --rr-count 3 --yes"
"$calicokit" migrate apply --to route-reflectors --rr-count 3 --yes

say "calicokit bgp status --all   (after: clients peer with the reflectors only)"
"$calicokit" bgp status --all
say "calicokit bgp topology -o dot   (render with: dot -Tsvg; or -o svg)"
"$calicokit" bgp topology -o dot

say "route gaps seen by the lab's probe during the migration (calicokit lab gaps)"
"$calicokit" lab gaps --name "$lab" --since "$since"
gaps_json="$("$calicokit" lab gaps --name "$lab" --since "$since" -o json)"
status_json="$("$calicokit" lab status --name "$lab" -o json)"
# the same split as the baseline's: gaps between client nodes, and gaps involving a reflector
ours="$(GAPS="$gaps_json" STATUS="$status_json" node -e '
  const gaps = JSON.parse(process.env.GAPS);
  const rrs = new Set(JSON.parse(process.env.STATUS).nodes.filter((n) => n.routeReflectorClusterID).map((n) => n.name));
  const rr = gaps.filter((g) => rrs.has(g.node) || rrs.has(g.owner));
  const longest = Math.max(0, ...rr.map((g) => g.durationMs));
  console.log(`${gaps.length - rr.length} gaps between client nodes; ${rr.length} gaps involving the reflectors, longest ${longest} ms`);
')"
echo
echo "  route gaps, documented procedure:  $baseline"
echo "  route gaps, calicokit:             $ours"
echo "  (one run of each: what is left of the longest gap is decided by BGP connection collisions"
echo "   between reflectors, which strike either side at random; docs/migrations.md, 'Side by side',"
echo "   gives the distribution over many runs)"
echo

say "calicokit lab down"
"$calicokit" lab down --name "$lab"
