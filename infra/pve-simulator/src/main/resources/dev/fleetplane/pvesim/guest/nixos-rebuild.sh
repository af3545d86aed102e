#!/usr/bin/env bash
# Stand-in for nixos-rebuild inside a pve-simulator guest. It prints what the real command prints (on stderr, as
# the real one does), records a new system generation and re-points run/current-system. It builds nothing.
# Touch <guest>/fail-rebuild to make it fail (its content, if any, becomes the error message).
# In a netns guest, activating a new generation also (a) renders sshd_config with "PermitRootLogin no" and reloads
# sshd (SIGHUP: open sessions survive), (b) restarts the network: when <guest>/next-ipv4 exists, ens18 moves to that
# address (the simulator offers it, as a DHCP server would). Touch <guest>/break-ssh-on-switch to make the new
# generation stop sshd. "switch --rollback" activates the previous generation (its sshd settings, sshd running again).
set -euo pipefail
root=@GUEST_ROOT@
netns=@NETNS@
profiles="$root/nix/var/nix/profiles"

usage() {
  echo "Usage: nixos-rebuild [switch|boot|test|build|dry-build|dry-activate|list-generations] [--flake FLAKE#HOST] [--rollback] [options...]" >&2
}

action=""
flake=""
rollback=0
while [ $# -gt 0 ]; do
  case "$1" in
    switch|boot|test|build|dry-build|dry-activate|list-generations)
      if [ -z "$action" ]; then action="$1"; fi ;;
    --flake)
      if [ $# -lt 2 ]; then echo "error: option '--flake' requires an argument" >&2; exit 1; fi
      flake="$2"; shift ;;
    --flake=*) flake="${1#--flake=}" ;;
    --rollback) rollback=1 ;;
    --target-host|--build-host|--profile-name|-p|-I|--max-jobs|-j|--cores|--specialisation|-c)
      shift ;;                     # options with a value: accepted and ignored
    --option)
      shift 2 || true ;;
    -h|--help) usage; exit 0 ;;
    -*) ;;                         # flags such as --show-trace, -L, --use-remote-sudo: accepted and ignored
    *)
      if [ -z "$action" ]; then echo "error: unknown action '$1'" >&2; usage; exit 1; fi ;;
  esac
  shift
done

if [ -z "$action" ]; then usage; exit 1; fi

generation_of() { # system-N-link -> N
  printf '%s\n' "$1" | sed -n 's/^system-\([0-9][0-9]*\)-link$/\1/p'
}
generations() {
  ls "$profiles" | sed -n 's/^system-\([0-9][0-9]*\)-link$/\1/p' | sort -n
}

if [ "$action" = list-generations ]; then
  current="$(generation_of "$(readlink "$profiles/system")")"
  printf '%-11s %-20s %-27s %-7s %-23s %s\n' Generation Build-date "NixOS version" Kernel "Configuration Revision" Specialisation
  for g in $(generations | sort -rn); do
    label="$g"
    if [ "$g" = "$current" ]; then label="$g current"; fi
    built="$(date -r "$profiles/system-$g-link" '+%Y-%m-%d %H:%M:%S')"
    printf '%-11s %-20s %-27s %-7s %-23s %s\n' "$label" "$built" \
      "$(cut -d' ' -f1 "$profiles/system-$g-link/nixos-version")" 6.6.63 "" "*"
  done
  exit 0
fi

# Activation of a generation: /etc, current-system, and in a netns guest sshd and (for a new generation) the network.
activate() {
  local store="$1" restart_network="$2"
  echo "activating the configuration..." >&2
  echo "setting up /etc..." >&2
  cat "$store/hostname" > "$root/etc/hostname"
  ln -sfn "$store" "$root/run/current-system"
  if [ "$netns" = 1 ]; then
    local permit pid
    hostname "$(cat "$store/hostname")" 2>/dev/null || true   # the guest's own UTS namespace
    printf '127.0.0.1 localhost\n::1 localhost\n127.0.0.2 %s\n' "$(cat "$store/hostname")" > "$root/etc/hosts"
    permit="$(cat "$store/sshd-permit-root-login" 2>/dev/null || echo prohibit-password)"
    sed -i "s/^PermitRootLogin .*/PermitRootLogin $permit/" "$root/etc/ssh/sshd_config"
    pid="$(cat "$root/run/sshd.pid" 2>/dev/null || true)"
    if [ -e "$store/break-ssh" ]; then
      echo "stopping the following units: sshd.service" >&2
      if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
      rm -f "$root/run/sshd.pid"
    elif [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "reloading the following units: sshd.service" >&2
      kill -HUP "$pid"
    else
      echo "starting the following units: sshd.service" >&2
      /usr/sbin/sshd -f /etc/ssh/sshd_config
    fi
    if [ "$restart_network" = 1 ]; then
      echo "restarting the following units: systemd-networkd.service" >&2
      if [ -s "$root/next-ipv4" ]; then
        local next
        next="$(cat "$root/next-ipv4")"
        rm -f "$root/next-ipv4"
        sleep 0.3   # the lines above reach the client before its connection's address goes away
        ip -4 addr flush dev ens18 scope global
        ip addr add "$next" dev ens18
      fi
    fi
  fi
  echo "reloading user units for root..." >&2
  echo "restarting sysinit-reactivation.target" >&2
  echo "setting up tmpfiles" >&2
}

if [ "$rollback" = 1 ]; then
  if [ "$action" != switch ] && [ "$action" != boot ] && [ "$action" != test ]; then
    echo "error: --rollback needs switch, boot or test" >&2; exit 1
  fi
  current="$(generation_of "$(readlink "$profiles/system")")"
  previous="$(generations | awk -v c="$current" '$1 < c' | tail -n 1)"
  if [ -z "$previous" ]; then
    echo "error: no generation older than the current one ($current)" >&2; exit 1
  fi
  echo "switching profile from version $current to $previous" >&2
  ln -sfn "system-$previous-link" "$profiles/system"
  if [ "$action" = switch ] || [ "$action" = test ]; then
    activate "$(readlink -f "$profiles/system-$previous-link")" 0
  fi
  exit 0
fi

host="$(cat "$root/etc/hostname" 2>/dev/null || echo nixos)"
if [ -n "$flake" ]; then
  case "$flake" in
    *#*) host="${flake##*#}" ;;
  esac
fi

echo "building the system configuration..." >&2
if [ -e "$root/fail-rebuild" ]; then
  msg="$(cat "$root/fail-rebuild" 2>/dev/null || true)"
  if [ -z "$msg" ]; then
    msg="builder for '/nix/store/6k0bqmv1zyk3cxlq9iq2jxv8dxsq4gwd-nixos-system-$host.drv' failed with exit code 1"
  fi
  echo "error: $msg" >&2
  exit 1
fi

broken=0
if [ -e "$root/break-ssh-on-switch" ]; then broken=1; fi
hash="$(printf '%s\n%s\n%s\n' "$flake" "$host" "$broken" | sha256sum | cut -c1-32)"
store="$root/nix/store/$hash-nixos-system-$host-24.11.20241128.abcdef0"
mkdir -p "$store"
echo "24.11.20241128.abcdef0 (Vicuna)" > "$store/nixos-version"
echo "$host" > "$store/hostname"
echo "$flake" > "$store/flake"
echo "no" > "$store/sshd-permit-root-login"   # what fleetplane's host configs say
if [ "$broken" = 1 ]; then touch "$store/break-ssh"; fi

case "$action" in
  build|dry-build)
    echo "$store"
    exit 0 ;;
  dry-activate)
    echo "would activate the configuration..." >&2
    exit 0 ;;
esac

if [ "$action" = switch ] || [ "$action" = boot ]; then
  current="$(readlink -f "$profiles/system" 2>/dev/null || true)"
  if [ "$current" != "$(readlink -f "$store")" ]; then
    last="$(generations | tail -n 1)"
    gen=$(( ${last:-0} + 1 ))
    ln -s "$store" "$profiles/system-$gen-link"
    ln -sfn "system-$gen-link" "$profiles/system"
  fi
  echo "updating GRUB 2 menu..." >&2
fi

if [ "$action" = switch ] || [ "$action" = test ]; then
  # switch-to-configuration restarts only units that changed: switching to the system already running (the same
  # configuration again) leaves networkd, and so the address, alone.
  restart=1
  if [ "$(readlink -f "$root/run/current-system")" = "$(readlink -f "$store")" ]; then restart=0; fi
  activate "$store" "$restart"
  if [ "$netns" = 1 ]; then
    # Printed after the network restart: a client whose connection used the old address never sees it.
    echo "Done. The new configuration is $store" >&2
  fi
fi
exit 0
