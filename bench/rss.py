#!/usr/bin/env python3
"""Memory of every process under a pid (./fleetplane up and what it started), grouped by what it is.

    bench/rss.py PID [--also TEXT]...

--also adds the processes whose command line contains TEXT, and theirs (PostgreSQL's postmaster is started by
pg_ctl and leaves up's tree: pass "-p PORT "). Prints one line per group: how many processes, resident memory now
(VmRSS, shared pages counted in every process), the proportional share (Pss: a shared page split among the processes
mapping it, so the column adds up to what the machine spends), and the largest RSS each reached (VmHWM, the kernel's
high-water mark), summed over the group. Reads /proc only; asserts nothing.
"""
import os
import re
import sys


def parent(pid):
    """The parent pid; None when the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    return int(stat[stat.rfind(")") + 2:].split()[1])


def children():
    tree = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            ppid = parent(int(d))
            if ppid is not None:
                tree.setdefault(ppid, []).append(int(d))
    return tree


def descendants(roots):
    tree, out, todo = children(), [], list(roots)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(tree.get(pid, []))
    return out


def status(pid):
    values = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
        values["Pss"] = values.get("VmRSS", 0)
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        values["Pss"] = int(line.split()[1])
        except OSError:
            pass
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            values["cmd"] = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return values


# The first group whose test matches a command line names the process (a sshd rewrites its command line to
# "sshd: /usr/sbin/sshd -D ... [listener] ..." when it listens, "sshd: user@notty" for a session).
GROUPS = [
    ("kafka", lambda c: "kafka.Kafka" in c or "BrokerMain" in c),
    ("up (fleetctl; simulator inside)", lambda c: "FleetctlMain" in c),
    ("pve-simulator", lambda c: "PveSimulatorMain" in c),
    ("postgresql (all backends)", lambda c: c.startswith("postgres") or "/bin/postgres" in c),
    ("node sshd (simulator)", lambda c: "sshd" in c and "/nodes/" in c),
    ("guest sshd (one per guest)", lambda c: "sshd" in c and "[listener]" in c),
    ("guest ssh sessions (sshd)", lambda c: "sshd" in c),
    ("watchdogs (bash)", lambda c: "watchdog" in c),
]


def group(cmd):
    if "quarkus-run.jar" in cmd or "-service" in cmd:
        for name in ("planner", "proxmox-adapter", "provisioner", "template-builder", "console-gateway"):
            if name in cmd:
                port = re.search(r"-Dquarkus\.http\.port=(\d+)", cmd)
                return name + (" (:" + port.group(1) + ")" if port else "")
    for name, matches in GROUPS:
        if matches(cmd):
            return name
    return "other: " + cmd.split(" ")[0][-40:]


def main():
    roots, also, args = [int(sys.argv[1])], [], sys.argv[2:]
    while args:
        if args[0] == "--also" and len(args) > 1:
            also.append(args[1])
            args = args[2:]
        else:
            sys.exit("rss.py PID [--also TEXT]...: unknown argument %s" % args[0])
    if also:
        mine, pid = set(), os.getpid()  # this script and the shell that started it name TEXT too
        while pid and pid > 1:
            mine.add(pid)
            pid = parent(pid)
        for d in os.listdir("/proc"):
            if d.isdigit() and int(d) not in mine:
                s = status(int(d))
                if s and any(a in s.get("cmd", "") for a in also):
                    roots.append(int(d))
    groups = {}
    for pid in set(descendants(roots)):
        s = status(pid)
        if not s or "VmRSS" not in s:
            continue
        g = groups.setdefault(group(s["cmd"]), [0, 0, 0, 0])
        g[0] += 1
        g[1] += s["VmRSS"]
        g[2] += s["Pss"]
        g[3] += s.get("VmHWM", s["VmRSS"])
    print("%-30s %6s %12s %12s %12s" % ("process", "count", "RSS now", "PSS now", "peak RSS"))
    for name in sorted(groups, key=lambda n: -groups[n][2]):
        count, rss, pss, hwm = groups[name]
        print("%-30s %6d %8.0f MiB %8.0f MiB %8.0f MiB" % (name, count, rss / 1024, pss / 1024, hwm / 1024))
    total = [sum(g[i] for g in groups.values()) for i in range(4)]
    print("%-30s %6d %8.0f MiB %8.0f MiB %8.0f MiB" % ("all", total[0], total[1] / 1024, total[2] / 1024,
                                                        total[3] / 1024))


if __name__ == "__main__":
    main()
