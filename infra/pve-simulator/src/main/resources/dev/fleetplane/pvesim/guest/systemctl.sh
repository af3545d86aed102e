#!/usr/bin/env bash
# Stand-in for systemctl inside a pve-simulator guest: "stop" and "is-active" for the transient timers the
# stand-in systemd-run starts. Anything else is refused, saying so.
set -uo pipefail
units=@GUEST_ROOT@/run/fleetplane-units

args=()
for a in "$@"; do
  case "$a" in
    -*) ;;                          # --no-block, --quiet, ...
    *) args+=("$a") ;;
  esac
done
if [ ${#args[@]} -lt 2 ]; then echo "systemctl (pve-simulator stand-in): usage: systemctl stop|is-active UNIT..." >&2; exit 1; fi
verb="${args[0]}"

alive() { # unit file -> 0 when its sleeper still runs
  [ -e "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

status=0
for u in "${args[@]:1}"; do
  case "$u" in *.timer|*.service) ;; *) u="$u.service" ;; esac
  f="$units/$u"
  case "$verb" in
    stop)
      if alive "$f"; then
        kill -TERM -- "-$(cat "$f")" 2>/dev/null || kill -TERM "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
      elif [ ! -e "$f" ] && [ "${u%.timer}" != "$u" ]; then
        echo "Failed to stop $u: Unit $u not loaded." >&2
        status=5
      else
        rm -f "$f"
      fi ;;
    reset-failed) ;;                # transient units leave nothing behind here
    is-active)
      if alive "$f"; then echo active; else echo inactive; status=3; fi ;;
    *)
      echo "systemctl (pve-simulator stand-in): '$verb' is not simulated (only stop, is-active and reset-failed)" >&2
      exit 1 ;;
  esac
done
exit $status
