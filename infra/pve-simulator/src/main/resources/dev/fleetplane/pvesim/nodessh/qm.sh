#!/usr/bin/env bash
# Stand-in for /usr/sbin/qm on a pve-simulator node: only `qm terminal <vmid> [-iface serialN] [-escape ^O]`.
# The checks and the serial line live in the simulator (QmTerminalEndpoint): this script forwards the call over
# 127.0.0.1 (bash's /dev/tcp, no socat needed) and bridges the terminal to it, as real qm bridges with socat.
set -u
node=@NODE@
port=@PORT@

if [ "${1:-}" != terminal ]; then
  echo "qm (pve-simulator stand-in): only 'qm terminal <vmid> [-iface serialN] [-escape ^O]' is simulated" >&2
  exit 255
fi
shift
vmid='' iface='-' escape='^O'
while [ $# -gt 0 ]; do
  case "$1" in
    -iface|--iface|-escape|--escape)
      if [ $# -lt 2 ]; then
        printf 'Option %s requires an argument\n400 unable to parse option\nqm terminal <vmid> [OPTIONS]\n' "$1" >&2
        exit 255
      fi
      case "$1" in *iface) iface="$2" ;; *) escape="$2" ;; esac
      shift 2 ;;
    -*)
      printf 'Unknown option: %s\n400 unable to parse option\nqm terminal <vmid> [OPTIONS]\n' "${1#-}" >&2
      exit 255 ;;
    *)
      if [ -n "$vmid" ]; then printf '400 too many arguments\nqm terminal <vmid> [OPTIONS]\n' >&2; exit 255; fi
      vmid="$1"
      shift ;;
  esac
done
if [ -z "$vmid" ]; then printf '400 not enough arguments\nqm terminal <vmid> [OPTIONS]\n' >&2; exit 255; fi
case "$vmid$iface$escape" in
  *$'\t'*|*$'\n'*) echo "qm (pve-simulator stand-in): arguments must not contain tabs or newlines" >&2; exit 255 ;;
esac

if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  echo "qm (pve-simulator stand-in): the simulator does not answer on 127.0.0.1:$port" >&2
  exit 255
fi
printf 'terminal\t%s\t%s\t%s\t%s\n' "$node" "$vmid" "$iface" "$escape" >&3
IFS= read -r status <&3
if [ "$status" != OK ]; then
  cat <&3 >&2 # qm's die message
  exit 255
fi
saved=''
if [ -t 0 ]; then
  saved=$(stty -g)
  stty raw -echo # socat's STDIO,raw,echo=0: every byte goes to the guest, whose tty echoes
fi
exec 4<&0 # a background job's stdin would be /dev/null without an explicit redirection
cat <&4 >&3 &
writer=$!
cat <&3 # until the simulator closes: the escape byte, or the simulator ends
kill "$writer" 2>/dev/null
[ -n "$saved" ] && stty "$saved"
exit 0
