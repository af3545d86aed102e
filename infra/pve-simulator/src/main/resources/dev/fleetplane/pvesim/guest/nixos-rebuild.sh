#!/usr/bin/env bash
# Stand-in for nixos-rebuild inside a pve-simulator guest. It prints what the real command prints (on stderr, as
# the real one does), records a new system generation and re-points run/current-system. It builds nothing.
# Touch <guest>/fail-rebuild to make it fail (its content, if any, becomes the error message).
set -euo pipefail
root=@GUEST_ROOT@
profiles="$root/nix/var/nix/profiles"

usage() {
  echo "Usage: nixos-rebuild [switch|boot|test|build|dry-build|dry-activate] [--flake FLAKE#HOST] [options...]" >&2
}

action=""
flake=""
while [ $# -gt 0 ]; do
  case "$1" in
    switch|boot|test|build|dry-build|dry-activate)
      if [ -z "$action" ]; then action="$1"; fi ;;
    --flake)
      if [ $# -lt 2 ]; then echo "error: option '--flake' requires an argument" >&2; exit 1; fi
      flake="$2"; shift ;;
    --flake=*) flake="${1#--flake=}" ;;
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

hash="$(printf '%s\n%s\n' "$flake" "$host" | sha256sum | cut -c1-32)"
store="$root/nix/store/$hash-nixos-system-$host-24.11.20241128.abcdef0"
mkdir -p "$store"
echo "24.11.20241128.abcdef0 (Vicuna)" > "$store/nixos-version"
echo "$host" > "$store/hostname"
echo "$flake" > "$store/flake"

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
    last="$(ls "$profiles" | sed -n 's/^system-\([0-9][0-9]*\)-link$/\1/p' | sort -n | tail -n 1)"
    gen=$(( ${last:-0} + 1 ))
    ln -s "$store" "$profiles/system-$gen-link"
    ln -sfn "system-$gen-link" "$profiles/system"
  fi
  echo "updating GRUB 2 menu..." >&2
fi

if [ "$action" = switch ] || [ "$action" = test ]; then
  echo "activating the configuration..." >&2
  echo "setting up /etc..." >&2
  echo "$host" > "$root/etc/hostname"
  echo "reloading user units for root..." >&2
  echo "restarting sysinit-reactivation.target" >&2
  echo "setting up tmpfiles" >&2
  ln -sfn "$store" "$root/run/current-system"
fi
exit 0
