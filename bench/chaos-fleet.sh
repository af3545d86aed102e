#!/usr/bin/env bash
# A fleet of N new hosts on ./fleetplane up, pushed auto-approved, and the time until every host is Ready or Failed;
# then what each Failed host says, how many steps were sent again (the planner's step retries), what the simulator
# answered (its request log) and each process's memory (bench/rss.py). With --chaos RATE the simulator misbehaves
# (503s, lock timeouts, stalls and failing tasks, each at RATE: issue 15, point 2); --chaos 0 is a plain run at scale.
#   bench/chaos-fleet.sh                                  # 50 hosts, chaos 0.2, apply.max-parallel 8
#   bench/chaos-fleet.sh --hosts 20 --chaos 0.1 --max-parallel 4
#   bench/chaos-fleet.sh --hosts 1000 --chaos 0 --max-parallel 64 --rebuild-workers 32
# Prints figures; asserts nothing. Needs what ./fleetplane up needs (root for the netns guests).
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=50 chaos=0.2 parallel=8 workers=4 limit=3600
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) hosts=$2; shift 2 ;;
    --chaos) chaos=$2; shift 2 ;;
    --max-parallel) parallel=$2; shift 2 ;;
    --rebuild-workers) workers=$2; shift 2 ;;
    --limit-seconds) limit=$2; shift 2 ;;
    *) echo "chaos-fleet: unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/fleetplane-chaos-XXXXXX)
chmod 755 "$work" # PostgreSQL (user postgres) walks into it when run as root
export FLEETPLANE_HOME="$work/home" XDG_CONFIG_HOME="$work/config"
export FLEETPLANE_PLANNER_APPLY_MAX_PARALLEL="$parallel"
# The provisioner's rebuilds at once (each holds one SSH connection and waits on the guest); its default is 4.
export FLEETPLANE_PROVISIONER_REBUILD_WORKERS="$workers"
chaos_flag=()
[ "$chaos" != 0 ] && chaos_flag=(--sim-chaos "$chaos")
./fleetplane up "${chaos_flag[@]}" --pve-port 0 --planner-port 0 --adapter-port 0 --provisioner-port 0 \
  --template-builder-port 0 --console-gateway-port 0 >"$work/up.out" 2>"$work/up.err" &
up=$!
stop() {
  local t0=$(date +%s)
  kill $up 2>/dev/null && { wait $up 2>/dev/null || true; }   # up's status after SIGTERM is not an error here
  echo "chaos-fleet: up stopped in $(( $(date +%s) - t0 )) s"
  rm -rf "$work"
}
trap stop EXIT
until grep -qx ready "$work/up.out"; do
  kill -0 $up 2>/dev/null || { echo "up exited:"; cat "$work/up.out" "$work/up.err"; exit 1; }
  sleep 1
done
planner=$(sed -n 's/^planner: //p' "$work/up.out")
requests=$(sed -n 's/^pve-request-log: //p' "$work/up.out")
token=$(cat "$work/home/operator-token")
python3 - "$hosts" >"$work/fleet.json" <<'PY'
import json, sys
n = int(sys.argv[1])
fleet = {"_proxmox": {"host": "192.168.1.12", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
         "_fleetplane": {"autoApprove": True, "flake": "/etc/nixos"}}
for i in range(n):
    name = "chaos-%d" % i
    fleet[name] = {"hostname": name, "configurationFile": "./hosts/%s/configuration.nix" % name, "user": "ops",
                   "proxmox": {"vmid": 1000 + i, "cores": 1, "memory": 1024, "disk": "8G"}}
print(json.dumps(fleet))
PY
echo "chaos-fleet: $hosts hosts, chaos $chaos, apply.max-parallel $parallel, rebuild.workers $workers; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
./fleetplane push "$work/fleet.json" >/dev/null
states() { curl -sf -H "Authorization: Bearer $token" "$planner/api/v1/hosts" \
  | jq -r '[.[] | select(.host | startswith("chaos-"))] | group_by(.state) | map("\(.[0].state)=\(length)") | join(" ")'; }
while :; do
  now=$(states || echo "planner unreachable")
  done_count=$(curl -sf -H "Authorization: Bearer $token" "$planner/api/v1/hosts" \
    | jq '[.[] | select((.host | startswith("chaos-")) and (.state == "Ready" or .state == "Failed"))] | length' || echo 0)
  echo "  +$(( $(date +%s) - start ))s: $now"
  [ "$done_count" -ge "$hosts" ] && break
  [ $(( $(date +%s) - start )) -ge "$limit" ] && { echo "chaos-fleet: not converged within $limit s"; break; }
  sleep 15
done
wall=$(( $(date +%s) - start ))
echo "chaos-fleet: every host settled (or the limit passed) after $wall s; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  final: $(states)"
curl -sf -H "Authorization: Bearer $token" "$planner/api/v1/hosts" \
  | jq -r '.[] | select((.host | startswith("chaos-")) and .state == "Failed") | "  failed: \(.host) at \(.step // "?"): \(.reason)"'
awk '{print $4}' "$requests" | sort | uniq -c | sort -rn | awk '{printf "  simulator answered %s: %d\n", $2, $1}'
echo "  clone requests answered 200: $(grep -c 'POST /api2/json/nodes/pve/qemu/9003/clone 200' "$requests" || true) (hosts: $hosts)"
echo "  requests in all: $(wc -l <"$requests"), per host: $(( $(wc -l <"$requests") / hosts ))"
# Step retries: a HostStateChanged to the state the host was already in (its reason names the failed attempt).
python3 - "$planner" "$token" <<'PY'
import collections, json, sys, urllib.request
planner, token = sys.argv[1], sys.argv[2]
after, retries = 0, collections.Counter()
while True:
    req = urllib.request.Request("%s/api/v1/events?type=fleetplane.host.state-changed&limit=10000&after=%d"
                                 % (planner, after), headers={"Authorization": "Bearer " + token})
    page = json.load(urllib.request.urlopen(req))
    if not page:
        break
    for e in page:
        d = e.get("data", {})
        if d.get("from") == d.get("to") and d.get("host", "").startswith("chaos-"):
            retries[d.get("reason", "").split(" attempt")[0] + " " + (d.get("reason", "").split(" failed: ", 1) + [""])[1].split(":")[0]] += 1
    after = page[-1]["seq"]
print("  steps sent again: %d%s" % (sum(retries.values()), "".join(
    "\n    %s: %d" % (k, v) for k, v in retries.most_common())))
PY
echo "  memory of each process at the end (peak = the most it held during the run):"
pg_port=$(sed -n 's/^postgres: jdbc:postgresql:\/\/[^:]*:\([0-9]*\)\/.*/\1/p' "$work/up.out")
python3 bench/rss.py "$up" ${pg_port:+--also "-p $pg_port "} | sed 's/^/    /'
