package dev.fleetplane.pvesim.guest;

import dev.fleetplane.pvesim.qemu.GuestRuntime;
import dev.fleetplane.pvesim.task.TaskFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guests backed by real OpenSSH servers: each running VM gets its own {@code sshd -D -e} bound to the guest's
 * loopback address, with its own ed25519 host key (kept for the VM's life) and a PATH that finds the stand-in
 * NixOS commands in the guest directory.
 */
public final class SshGuests implements GuestRuntime {

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
            servers.put(vmid, Sshd.start(sshd, config, dir.resolve("sshd.log"), address, port, "guest VM " + vmid));
        } catch (IOException e) {
            throw new TaskFailure(e.getMessage());
        }
    }

    private Path prepare(int vmid) throws IOException, InterruptedException {
        Path existing = dirs.get(vmid);
        if (existing != null) {
            return existing;
        }
        Path dir = Files.createDirectories(root.resolve("vm-" + vmid));
        GuestFiles.layOut(dir, hostnames.getOrDefault(vmid, "nixos"));
        try {
            Sshd.generateKey(sshKeygen, dir.resolve("etc/ssh/ssh_host_ed25519_key"), "root@vm-" + vmid,
                    "guest VM " + vmid);
        } catch (IOException e) {
            throw new TaskFailure(e.getMessage());
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

    @Override
    public void halt(int vmid) {
        Process process = servers.remove(vmid);
        Path dir = dirs.get(vmid);
        if (dir != null) {
            Sshd.stop(process, dir.resolve("etc/ssh/sshd_config"));
        } else if (process != null) {
            process.destroyForcibly();
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
