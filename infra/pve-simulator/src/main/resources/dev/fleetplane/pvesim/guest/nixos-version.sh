#!/usr/bin/env bash
# Stand-in for nixos-version inside a pve-simulator guest.
root=@GUEST_ROOT@
cat "$root/run/current-system/nixos-version"
