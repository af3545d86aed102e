package dev.fleetplane.pvesim;

import dev.fleetplane.pvesim.qemu.GuestDefect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the simulator as a process: prints {@code pve-simulator: <url>} on stdout once it listens and runs until it
 * is killed or its stdin reaches EOF (so it dies with a parent that holds the pipe). Either way it stops cleanly:
 * at EOF by closing the simulator, on SIGTERM or SIGINT through the simulator's own shutdown hook, which stops the
 * guests (sshd, network namespaces) and removes the {@code /tmp/fleetplane-pvesim-*} work directory. Only a SIGKILL
 * leaves them behind.
 */
public final class PveSimulatorMain {

    private static final String USAGE = String.join("\n",
            "usage: pve-simulator [options]",
            "  --port N                         API port on 127.0.0.1 (default 8006; 0 = any free port)",
            "  --host ADDR                      address to bind (default 127.0.0.1)",
            "  --node NAME                      a cluster node; repeat for several (default pve)",
            "  --token-id USER@REALM!NAME       accepted API token id (default root@pam!fleetplane)",
            "  --token-secret SECRET            its secret (or env PVESIM_TOKEN_SECRET; required)",
            "  --seed FILE                      JSON {\"vms\":[...]} of pre-existing VMs and templates",
            "  --task-millis N                  duration of every task (default 0)",
            "  --task-millis-TYPE N             duration of one task type, e.g. --task-millis-qmclone 3000",
            "  --boot-millis N                  guest boot time until the agent answers (default 0)",
            "  --dhcp-millis N                  agent up until the guest has its IPv4 (default 0)",
            "  --guest-ssh-authorized-keys FILE back guests by real sshd accepting these keys",
            "  --guest-ssh-port N               port of the guests' sshd (default 2222)",
            "  --guest-netns                    guests as network namespaces with DHCP-like addresses and sshd on port 22",
            "                                   (needs root; falls back to loopback guests otherwise)",
            "  --no-ip-change                   netns guests keep their address when nixos-rebuild restarts the network",
            "  --node-ssh-key FILE              give each node an sshd on 127.0.0.1 (root with this one public key, SFTP);",
            "                                   prints pve-node-ssh-* lines and pve-node-dump-dir",
            "  --guest-defect DEFECT[@VMID]     new VMs (or only clones of VMID) boot broken: no-agent (agent never runs)",
            "                                   or no-dhcp (agent answers, no IPv4 lease); repeatable",
            "  --https                          serve HTTPS (self-signed; prints pve-fingerprint) and plain HTTP beside it",
            "  --http-port N                    the plain-HTTP port beside HTTPS (default any free port)",
            "  --user USER@REALM:PASSWORD       a user for the ticket login (POST /access/ticket); repeatable",
            "  --legacy-errors                  error bodies without 'message', detailed 401 reasons",
            "  --pve-version V                  the version /version reports (default 9.1.2; before 9 the agent needs VM.Monitor)",
            "  --drop-privilege PRIV            take PRIV (e.g. VM.Clone) from every caller: 403 where it is checked; repeatable",
            "  --chaos RATE[:STALL_MS]          Proxmox misbehaving: 503s, lock contention, stalls (default 2000 ms) and",
            "                                   failing tasks, each at RATE (0..1), e.g. --chaos 0.2",
            "  --request-log FILE               append '<ISO time> <METHOD> <path> <status>' per answered request",
            "  --ignore-stdin                   do not exit at stdin EOF (run until SIGTERM/SIGINT, which stop it cleanly)");

    private PveSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        PveSimulatorBuilder builder = PveSimulator.builder();
        String tokenId = "root@pam!fleetplane";
        String secret = System.getenv("PVESIM_TOKEN_SECRET");
        Path authorizedKeys = null;
        Path nodeSshKey = null;
        int guestPort = GuestSsh.DEFAULT_PORT;
        boolean netns = false;
        int port = 8006;
        boolean ignoreStdin = false;
        List<String> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--port" -> port = intArg(args, ++i, arg);
                    case "--host" -> builder.host(value(args, ++i, arg));
                    case "--node" -> nodes.add(value(args, ++i, arg));
                    case "--token-id" -> tokenId = value(args, ++i, arg);
                    case "--token-secret" -> secret = value(args, ++i, arg);
                    case "--seed" -> builder.seedFile(Path.of(value(args, ++i, arg)));
                    case "--task-millis" -> builder.taskDuration(Duration.ofMillis(intArg(args, ++i, arg)));
                    case "--boot-millis" -> builder.guestBootDelay(Duration.ofMillis(intArg(args, ++i, arg)));
                    case "--dhcp-millis" -> builder.guestDhcpDelay(Duration.ofMillis(intArg(args, ++i, arg)));
                    case "--guest-ssh-authorized-keys" -> authorizedKeys = Path.of(value(args, ++i, arg));
                    case "--guest-ssh-port" -> guestPort = intArg(args, ++i, arg);
                    case "--guest-netns" -> {
                        builder.netnsGuests(true);
                        netns = true;
                    }
                    case "--no-ip-change" -> builder.faults(f -> f.ipChangeOnNetworkRestart(false));
                    case "--node-ssh-key" -> nodeSshKey = Path.of(value(args, ++i, arg));
                    case "--guest-defect" -> {
                        String v = value(args, ++i, arg);
                        builder.faults(guestDefect(v));
                    }
                    case "--https" -> builder.https(true);
                    case "--http-port" -> builder.plainHttpPort(intArg(args, ++i, arg));
                    case "--user" -> {
                        String v = value(args, ++i, arg);
                        int colon = v.indexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("--user needs USER@REALM:PASSWORD");
                        }
                        builder.user(v.substring(0, colon), v.substring(colon + 1));
                    }
                    case "--legacy-errors" -> builder.errorMessageInBody(false).detailedAuthFailures(true);
                    case "--pve-version" -> builder.pveVersion(value(args, ++i, arg));
                    case "--drop-privilege" -> {
                        String privilege = value(args, ++i, arg);
                        builder.faults(f -> f.dropPrivileges(privilege));
                    }
                    case "--chaos" -> {
                        String v = value(args, ++i, arg);
                        builder.faults(dev.fleetplane.pvesim.faults.Faults.chaosSetting("--chaos", v));
                    }
                    case "--request-log" -> builder.requestLog(Path.of(value(args, ++i, arg)));
                    case "--ignore-stdin" -> ignoreStdin = true;
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> {
                        if (arg.startsWith("--task-millis-")) {
                            builder.taskDuration(arg.substring("--task-millis-".length()),
                                    Duration.ofMillis(intArg(args, ++i, arg)));
                        } else {
                            throw new IllegalArgumentException("unknown option '" + arg + "'");
                        }
                    }
                }
            }
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("--token-secret (or env PVESIM_TOKEN_SECRET) is required");
            }
            nodes.forEach(builder::node);
            builder.port(port).apiToken(tokenId, secret);
            if (netns && authorizedKeys == null) {
                throw new IllegalArgumentException("--guest-netns needs --guest-ssh-authorized-keys FILE");
            }
            if (authorizedKeys != null) {
                builder.guestSsh(GuestSsh.of(authorizedKeys, guestPort));
            }
            if (nodeSshKey != null) {
                builder.nodeSsh(NodeSsh.fromFile(nodeSshKey));
            }
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("pve-simulator: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        PveSimulator sim;
        try {
            sim = builder.build().start();
        } catch (RuntimeException e) {
            System.err.println("pve-simulator: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("pve-simulator: " + sim.url());
        if (sim.url().startsWith("https:")) {
            System.out.println("pve-simulator-http: " + sim.plainUrl());
            System.out.println("pve-fingerprint: " + sim.fingerprint());
        }
        for (String node : sim.nodes()) {
            sim.nodeSsh(node).ifPresent(ssh -> {
                System.out.println("pve-node-ssh-node: " + ssh.node());
                System.out.println("pve-node-ssh-host: " + ssh.host());
                System.out.println("pve-node-ssh-port: " + ssh.port());
                System.out.println("pve-node-ssh-user: " + ssh.user());
                System.out.println("pve-node-ssh-fingerprint: " + ssh.hostKeyFingerprint());
                System.out.println("pve-node-dump-dir: " + ssh.dumpDir());
            });
        }
        System.out.flush();
        if (ignoreStdin) {
            Thread.currentThread().join();
        }
        drain(System.in);
        sim.close();
    }

    /** {@code no-agent} or {@code no-dhcp}, optionally {@code @VMID}: only clones of that VM. */
    static java.util.function.Consumer<dev.fleetplane.pvesim.faults.Faults> guestDefect(String value) {
        int at = value.indexOf('@');
        String name = at < 0 ? value : value.substring(0, at);
        GuestDefect defect = switch (name) {
            case "no-agent" -> GuestDefect.NO_AGENT;
            case "no-dhcp" -> GuestDefect.NO_DHCP;
            default -> throw new IllegalArgumentException("--guest-defect: unknown defect '" + name
                    + "'; expected no-agent or no-dhcp, optionally @VMID");
        };
        if (at < 0) {
            return f -> f.guestDefectInNewVms(defect, true);
        }
        int source;
        try {
            source = Integer.parseInt(value.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--guest-defect: '" + value.substring(at + 1)
                    + "' after @ is not a VMID in '" + value + "'");
        }
        return f -> f.guestDefectInClonesOf(source, defect, true);
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // discard: stdin only signals the parent's liveness
            }
        } catch (IOException e) {
            // stdin broken: the parent is gone
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[i];
    }

    private static int intArg(String[] args, int i, String option) {
        String v = value(args, i, option);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + " needs a number, got '" + v + "'");
        }
    }
}
