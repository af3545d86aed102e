#!/usr/bin/env bash
# Proxmox misbehaving at scale (issue 15, point 2): ./fleetplane up with the simulator's chaos switch (503s, lock
# timeouts, stalls and failing tasks, each at RATE), a fleet of N new hosts pushed auto-approved, and the time until
# every host is Ready or Failed; then what each Failed host says, and what the simulator answered (request log).
#   bench/chaos-fleet.sh                                  # 50 hosts, chaos 0.2, apply.max-parallel 8
#   bench/chaos-fleet.sh --hosts 20 --chaos 0.1 --max-parallel 4
# Prints figures; asserts nothing. Needs what ./fleetplane up needs (root for the netns guests).
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=50 chaos=0.2 parallel=8 limit=3600
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) hosts=$2; shift 2 ;;
    --chaos) chaos=$2; shift 2 ;;
    --max-parallel) parallel=$2; shift 2 ;;
    --limit-seconds) limit=$2; shift 2 ;;
    *) echo "chaos-fleet: unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/fleetplane-chaos-XXXXXX)
chmod 755 "$work" # PostgreSQL (user postgres) walks into it when run as root
export FLEETPLANE_HOME="$work/home" XDG_CONFIG_HOME="$work/config"
export FLEETPLANE_PLANNER_APPLY_MAX_PARALLEL="$parallel"
./fleetplane up --sim-chaos "$chaos" --pve-port 0 --planner-port 0 --adapter-port 0 --provisioner-port 0 \
  --template-builder-port 0 --console-gateway-port 0 >"$work/up.out" 2>"$work/up.err" &
up=$!
trap 'kill $up 2>/dev/null; wait $up 2>/dev/null; rm -rf "$work"' EXIT
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
echo "chaos-fleet: $hosts hosts, chaos $chaos, apply.max-parallel $parallel; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
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
echo "chaos-fleet: converged in $wall s; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -sf -H "Authorization: Bearer $token" "$planner/api/v1/hosts" \
  | jq -r '.[] | select((.host | startswith("chaos-")) and .state == "Failed") | "  failed: \(.host) at \(.step // "?"): \(.reason)"'
awk '{print $4}' "$requests" | sort | uniq -c | sort -rn | awk '{printf "  simulator answered %s: %d\n", $2, $1}'
echo "  clone requests answered 200: $(grep -c 'POST /api2/json/nodes/pve/qemu/9003/clone 200' "$requests" || true) (hosts: $hosts)"
echo "  requests in all: $(wc -l <"$requests"), per host: $(( $(wc -l <"$requests") / hosts ))"
