# The netns guests' watchdog (bash). It outlives a SIGKILLed simulator JVM, then kills what runs in that simulator's
# guest namespaces (sshd, sessions, detached timers), deletes the namespaces, the veths and the bridge, and removes
# the simulator's work directory (guest keys and files). Arguments: <owner pid> <network id> <work dir or "">.
# The owner writes "release" on our stdin at a clean close (it removes everything itself). EOF on stdin, or the owner
# pid going away, means the owner died.
owner=$1
id=$2
workdir=$3
while kill -0 "$owner" 2>/dev/null; do
  if read -r -t 1 cmd; then
    [ "$cmd" = release ] && exit 0
  else
    [ $? -gt 128 ] || break   # above 128 is read's timeout; anything else is EOF
  fi
done
for ns in $(/usr/sbin/ip netns list 2>/dev/null | cut -d' ' -f1 | grep "^fpsim-$id-"); do
  for pid in $(/usr/sbin/ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  /usr/sbin/ip netns del "$ns" 2>/dev/null
done
for link in $(/usr/sbin/ip -o link show 2>/dev/null | cut -d: -f2 | cut -d@ -f1 | tr -d ' ' | grep "^fv$id\|^fpbr$id$"); do
  /usr/sbin/ip link del "$link" 2>/dev/null
done
rm -f "/run/fleetplane-pvesim/$id"
case "$(basename -- "$workdir")" in
  fleetplane-pvesim-*)
    # The simulator's other processes (the node's sshd) run from files in its work directory: their command line
    # names it, and that random path is this simulator's alone.
    for proc in /proc/[0-9]*; do
      if tr '\0' ' ' < "$proc/cmdline" 2>/dev/null | grep -qF -- "$workdir/"; then
        kill -KILL "${proc#/proc/}" 2>/dev/null
      fi
    done
    rm -rf -- "$workdir" ;;
esac
exit 0
