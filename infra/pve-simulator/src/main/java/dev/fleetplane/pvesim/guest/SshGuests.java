package dev.fleetplane.pvesim.guest;

import dev.fleetplane.pvesim.qemu.GuestRuntime;
import dev.fleetplane.pvesim.task.TaskFailure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Guests backed by real OpenSSH servers: each running VM gets its own {@code sshd -D -e} bound to the guest's
 * loopback address, with its own ed25519 host key (kept for the VM's life) and a PATH that finds the stand-in
 * NixOS commands in the guest directory.
 */
public final class SshGuests implements GuestRuntime {

    private static final Logger LOG = Logger.getLogger(SshGuests.class.getName());
    private static final long LISTEN_TIMEOUT_MILLIS = 10_000;

    private final Path root;
    private final Path authorizedKeys;
    private final int port;
    private final Path sshd;
    private final Path sshKeygen;
    private final Map<Integer, Path> dirs = new ConcurrentHashMap<>();
    private final Map<Integer, Process> servers = new ConcurrentHashMap<>();
    private final Map<Integer, String> hostnames = new ConcurrentHashMap<>();
    private boolean closed; // guarded by this: a boot after close() would outlive the simulator

    public SshGuests(Path root, Path authorizedKeys, int port, Path sshd, Path sshKeygen) {
        this.root = root;
        this.authorizedKeys = authorizedKeys.toAbsolutePath();
        this.port = port;
        this.sshd = sshd;
        this.sshKeygen = sshKeygen;
    }

    /** Sets the hostname the guest's first generation carries (the VM name). */
    public void hostname(int vmid, String name) {
        hostnames.put(vmid, name);
    }

    public Optional<Path> guestDir(int vmid) {
        return Optional.ofNullable(dirs.get(vmid));
    }

    public int port() {
        return port;
    }

    @Override
    public synchronized void boot(int vmid, String address) throws Exception {
        if (!Files.isExecutable(sshd)) {
            throw new TaskFailure("cannot start the SSH server of guest VM " + vmid + ": " + sshd
                    + " is not installed (apt-get install openssh-server)");
        }
        if (closed) {
            throw new IllegalStateException("the simulator's guests are closed");
        }
        halt(vmid);
        Path dir = prepare(vmid);
        Path config = writeConfig(dir, address);
        try {
            Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot create /run/sshd", e);
        }
        Path log = dir.resolve("sshd.log");
        Process process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        servers.put(vmid, process);
        long deadline = System.currentTimeMillis() + LISTEN_TIMEOUT_MILLIS;
        while (true) {
            if (!process.isAlive()) {
                servers.remove(vmid);
                throw new TaskFailure("SSH server of guest VM " + vmid + " exited with code " + process.exitValue()
                        + ": " + lastLine(log));
            }
            if (listening(address)) {
                LOG.fine(() -> "guest VM " + vmid + " sshd listens on " + address + ":" + port);
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                halt(vmid);
                throw new TaskFailure("SSH server of guest VM " + vmid + " did not listen on " + address + ":" + port
                        + " within " + LISTEN_TIMEOUT_MILLIS / 1000 + " s: " + lastLine(log));
            }
            Thread.sleep(20);
        }
    }

    private boolean listening(String address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path prepare(int vmid) throws IOException, InterruptedException {
        Path existing = dirs.get(vmid);
        if (existing != null) {
            return existing;
        }
        Path dir = Files.createDirectories(root.resolve("vm-" + vmid));
        GuestFiles.layOut(dir, hostnames.getOrDefault(vmid, "nixos"));
        Path hostKey = dir.resolve("etc/ssh/ssh_host_ed25519_key");
        Process keygen = new ProcessBuilder(sshKeygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C",
                "root@vm-" + vmid, "-f", hostKey.toString())
                .redirectErrorStream(true).start();
        String output = new String(keygen.getInputStream().readAllBytes());
        if (!keygen.waitFor(10, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            keygen.destroyForcibly();
            throw new TaskFailure("cannot generate the host key of guest VM " + vmid + ": " + output.strip());
        }
        dirs.put(vmid, dir);
        return dir;
    }

    private Path writeConfig(Path dir, String address) throws IOException {
        String sftp = Files.isExecutable(Path.of("/usr/lib/openssh/sftp-server"))
                ? "Subsystem sftp /usr/lib/openssh/sftp-server\n" : "";
        String config = "# sshd of a pve-simulator guest\n"
                + "Port " + port + "\n"
                + "ListenAddress " + address + "\n"
                + "HostKey " + quote(dir.resolve("etc/ssh/ssh_host_ed25519_key")) + "\n"
                + "PidFile none\n"
                + "AuthorizedKeysFile " + quote(authorizedKeys) + "\n"
                + "PermitRootLogin prohibit-password\n"
                + "PubkeyAuthentication yes\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n"
                + "UsePAM no\n"
                + "StrictModes no\n"
                + "PrintMotd no\n"
                + "PrintLastLog no\n"
                + "SetEnv PATH=" + dir.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin\n"
                + sftp;
        Path file = dir.resolve("etc/ssh/sshd_config");
        Files.writeString(file, config);
        return file;
    }

    private static String quote(Path p) {
        return "\"" + p + "\"";
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void halt(int vmid) {
        Process process = servers.remove(vmid);
        Path dir = dirs.get(vmid);
        if (process != null) {
            kill(process.toHandle());
        }
        if (dir != null) {
            sweep(dir.resolve("etc/ssh/sshd_config").toString());
        }
    }

    /**
     * Kills sshd's sessions (and what runs in them) first, while the listener still reaps them, then the listener
     * itself: killed the other way round, sessions would be orphaned and outlive it. Sessions get SIGKILL (a VM stop
     * is a power-off, and sshd's session monitor takes its time over SIGTERM).
     */
    private static void kill(ProcessHandle main) {
        for (int round = 0; round < 2 && main.isAlive(); round++) {
            List<ProcessHandle> tree = new ArrayList<>(main.descendants().toList());
            tree.sort(Comparator.comparingLong(ProcessHandle::pid).reversed());
            tree.forEach(ProcessHandle::destroyForcibly);
            tree.forEach(p -> awaitExit(p, 1000));
        }
        main.destroy();
        awaitExit(main, 2000);
    }

    private static void awaitExit(ProcessHandle p, long millis) {
        try {
            p.onExit().get(millis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(1000, TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                LOG.warning(() -> "process " + p.pid() + " did not exit after SIGKILL");
            }
        }
    }

    // A listener that outlived its Process object (sshd rewrites its command line to "sshd: <argv> [listener]") is
    // found by its config path. Sessions forked after the tree was listed are not: that window is a few microseconds.
    private static void sweep(String configPath) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(p -> rawCommandLine(p).contains(configPath)).forEach(SshGuests::kill);
        }
    }

    private static String rawCommandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"))).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    @Override
    public synchronized void destroy(int vmid) {
        halt(vmid);
        Path dir = dirs.remove(vmid);
        hostnames.remove(vmid);
        if (dir != null) {
            FileTrees.deleteTree(dir);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Integer vmid : List.copyOf(servers.keySet())) {
            halt(vmid);
        }
        dirs.clear();
        FileTrees.deleteTree(root);
    }
}
