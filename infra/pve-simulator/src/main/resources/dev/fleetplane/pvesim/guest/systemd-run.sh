#!/usr/bin/env bash
# Stand-in for systemd-run inside a pve-simulator guest: a transient timer, i.e.
#   systemd-run --unit=NAME --on-active=SPAN COMMAND...
# starts a detached sleeper (its own session, so it outlives the SSH session that armed it) that runs COMMAND after
# SPAN; "systemctl stop NAME.timer" kills it. Without --on-active it is a transient service: the command starts
# detached at once, "systemctl stop NAME.service" kills it and "is-active" says whether it still runs.
set -euo pipefail
units=@GUEST_ROOT@/run/fleetplane-units

unit=""
delay=""
while [ $# -gt 0 ]; do
  case "$1" in
    --unit=*) unit="${1#--unit=}" ;;
    --unit|-u) unit="$2"; shift ;;
    --on-active=*) delay="${1#--on-active=}" ;;
    --on-active) delay="$2"; shift ;;
    --description=*|--property=*|--timer-property=*|--setenv=*|--slice=*) ;;
    --description|--property|-p|--timer-property|--setenv|-E|--slice) shift ;;
    --no-block|--quiet|-q|--collect|-G|--system|--no-ask-password|--wait|--same-dir) ;;
    --) shift; break ;;
    -*) echo "systemd-run (pve-simulator stand-in): unsupported option '$1'" >&2; exit 1 ;;
    *) break ;;
  esac
  shift
done
if [ $# -eq 0 ]; then echo "Command line to execute required." >&2; exit 1; fi
unit="${unit:-run-u$$}"
unit="${unit%.service}"
unit="${unit%.timer}"

seconds=0
if [ -n "$delay" ]; then
  case "$delay" in
    *ms) seconds="$(awk -v v="${delay%ms}" 'BEGIN { printf "%.3f", v / 1000 }')" ;;
    *min) seconds=$(( ${delay%min} * 60 )) ;;
    *m) seconds=$(( ${delay%m} * 60 )) ;;
    *h) seconds=$(( ${delay%h} * 3600 )) ;;
    *s) seconds="${delay%s}" ;;
    *[0-9]) seconds="$delay" ;;
    *) echo "Failed to parse timespan '$delay'" >&2; exit 1 ;;
  esac
fi

mkdir -p "$units"
if [ -n "$delay" ]; then kind=timer; else kind=service; fi
pidfile="$units/$unit.$kind"
if [ -e "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "Failed to start transient $kind unit: Unit $unit.$kind was already loaded or has a fragment file." >&2
  exit 1
fi

# setsid: a new session and process group (killed as one by systemctl stop); nohup: the SSH session's hang-up
# does not reach it.
if [ "$kind" = timer ]; then
  setsid nohup bash -c 'sleep "$1"; rm -f "$2"; shift 2; exec "$@"' sleeper "$seconds" "$pidfile" "$@" \
    > "$units/$unit.log" 2>&1 < /dev/null &
else
  setsid nohup "$@" > "$units/$unit.log" 2>&1 < /dev/null &
fi
echo $! > "$pidfile"
if [ -n "$delay" ]; then
  echo "Running timer as unit: $unit.timer" >&2
  echo "Will run service as unit: $unit.service" >&2
else
  echo "Running as unit: $unit.service" >&2
fi
