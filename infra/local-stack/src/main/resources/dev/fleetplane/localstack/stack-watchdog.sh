# The local stack's watchdog (bash). It outlives a SIGKILLed owner JVM, then stops what that JVM left running
# and removes its directories. Arguments: <owner pid> <work dir> <keep|remove> (keep: a persistent stack's data stays).
# The owner writes lines on our stdin: "postgres <pid> <dir>", "broker <pid>", "release" (a clean close: the
# owner stops everything itself). EOF on stdin, or the owner pid going away, means the owner died.
owner=$1
workdir=$2
data=${3:-remove}
pg_pid=
pg_dir=
broker_pid=
while kill -0 "$owner" 2>/dev/null; do
  if read -r -t 1 cmd a b; then
    case "$cmd" in
      postgres) pg_pid=$a; pg_dir=$b ;;
      broker) broker_pid=$a ;;
      release) exit 0 ;;
    esac
  else
    [ $? -gt 128 ] || break   # above 128 is read's timeout; anything else is EOF
  fi
done
# SIGQUIT is PostgreSQL's immediate shutdown (SIGINT its fast one, for data that is kept: no recovery on the next
# start); SIGTERM runs the broker JVM's shutdown hook.
if [ "$data" = keep ]; then
  [ -n "$pg_pid" ] && kill -INT "$pg_pid" 2>/dev/null
else
  [ -n "$pg_pid" ] && kill -QUIT "$pg_pid" 2>/dev/null
fi
[ -n "$broker_pid" ] && kill -TERM "$broker_pid" 2>/dev/null
# A zombie has exited (PID 1 reaps our orphans, on some machines only now and then): it does not count as running.
running() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}
for _ in $(seq 1 150); do
  alive=
  [ -n "$pg_pid" ] && running "$pg_pid" && alive=1
  [ -n "$broker_pid" ] && running "$broker_pid" && alive=1
  [ -z "$alive" ] && break
  sleep 0.1
done
[ -n "$pg_pid" ] && kill -KILL "$pg_pid" 2>/dev/null
[ -n "$broker_pid" ] && kill -KILL "$broker_pid" 2>/dev/null
[ "$data" = keep ] && exit 0
[ -n "$pg_dir" ] && rm -rf -- "$pg_dir"
[ -n "$workdir" ] && rm -rf -- "$workdir"
exit 0
