#!/usr/bin/env bash
# Stand-in for /usr/bin/pvesh on a pve-simulator node: only `pvesh get /cluster/resources --type vm --output-format json`.
# The answer lives in the simulator (QmTerminalEndpoint, the same data as the API's /cluster/resources?type=vm): this
# script forwards its arguments over 127.0.0.1 (bash's /dev/tcp) and prints what comes back.
set -u
port=@PORT@

for a in "$@"; do
  case "$a" in
    *$'\t'*|*$'\n'*) echo "pvesh (pve-simulator stand-in): arguments must not contain tabs or newlines" >&2; exit 255 ;;
  esac
done
if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  echo "pvesh (pve-simulator stand-in): the simulator does not answer on 127.0.0.1:$port" >&2
  exit 255
fi
{ printf 'pvesh'; for a in "$@"; do printf '\t%s' "$a"; done; printf '\n'; } >&3
IFS= read -r status <&3
if [ "$status" != OK ]; then
  cat <&3 >&2 # pvesh's error
  exit 255
fi
cat <&3
exit 0
