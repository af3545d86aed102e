package dev.fleetplane.pvesim.guest;

import dev.fleetplane.pvesim.qemu.GuestBoot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What cloud-init and the NixOS config make of the VM's users at every boot of a netns guest: {@code /etc/hosts}, {@code /etc/passwd},
 * {@code group}, {@code shadow}, {@code sudoers} (wheel without password), homes, authorized keys per user in
 * {@code /etc/ssh/authorized_keys.d/<user>} (as NixOS keeps them) and {@code sshd_config}.
 */
final class GuestUsers {

    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    private GuestUsers() {
    }

    static void write(Path dir, GuestBoot spec, Path simulatorKeys) throws IOException {
        Optional<String> admin = spec.ciuser().filter(u -> !u.equals("root"));
        if (admin.isPresent() && !USER.matcher(admin.get()).matches()) {
            throw new dev.fleetplane.pvesim.task.TaskFailure("guest VM " + spec.vmid() + ": ciuser '" + admin.get()
                    + "' is not a valid user name");
        }
        String passwd = "root:x:0:0:System administrator:/root:/bin/bash\n"
                + "sshd:x:993:65534:SSH privilege separation user:/run/sshd:/usr/sbin/nologin\n"
                + "nobody:x:65534:65534:Unprivileged account:/var/empty:/usr/sbin/nologin\n"
                + admin.map(u -> u + ":x:" + NetnsGuests.ADMIN_UID + ":" + NetnsGuests.USERS_GID + "::/home/" + u
                + ":/bin/bash\n").orElse("");
        String members = admin.orElse("");
        String group = "root:x:0:\nwheel:x:1:" + members + "\nusers:x:100:" + members + "\nnogroup:x:65534:\n";
        String shadow = "root:*:1::::::\nsshd:!:1::::::\nnobody:!:1::::::\n"
                + admin.map(u -> u + ":*:1::::::\n").orElse("");
        String sudoers = "Defaults secure_path=\"" + dir.resolve("bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
                + "root ALL=(ALL:ALL) SETENV: ALL\n"
                + "%wheel ALL=(ALL:ALL) NOPASSWD:SETENV: ALL\n";
        Path etc = dir.resolve("etc");
        Files.writeString(etc.resolve("hosts"), hosts(currentHostname(dir)));
        Files.writeString(etc.resolve("passwd"), passwd);
        Files.writeString(etc.resolve("group"), group);
        Files.writeString(etc.resolve("shadow"), shadow);
        Files.setPosixFilePermissions(etc.resolve("shadow"), PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(etc.resolve("sudoers"), sudoers);
        Files.setPosixFilePermissions(etc.resolve("sudoers"), PosixFilePermissions.fromString("r--r-----"));

        Files.createDirectories(dir.resolve("root"));
        Files.setPosixFilePermissions(dir.resolve("root"), PosixFilePermissions.fromString("rwx------"));
        Path homes = Files.createDirectories(dir.resolve("home"));
        if (admin.isPresent()) {
            Path home = Files.createDirectories(homes.resolve(admin.get()));
            NetnsGuests.chown(home, NetnsGuests.ADMIN_UID, NetnsGuests.USERS_GID);
        }

        Path keysDir = dir.resolve("etc/ssh/authorized_keys.d");
        FileTrees.deleteTree(keysDir);
        Files.createDirectories(keysDir);
        // Without sshkeys in the VM config, the simulator-wide keys are copied in at boot: sshd reads a user's keys with
        // that user's rights, and the file may lie in a directory only root can enter (a private temp dir).
        String keys = (spec.sshKeys().isPresent() ? spec.sshKeys().get() : Files.readString(simulatorKeys)).strip() + "\n";
        for (String user : admin.map(u -> List.of("root", u)).orElse(List.of("root"))) {
            Path file = keysDir.resolve(user);
            Files.writeString(file, keys);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        String keyFiles = "/etc/ssh/authorized_keys.d/%u";
        String permitRoot = permitRootLogin(dir);
        String sftp = Files.isExecutable(Path.of("/usr/lib/openssh/sftp-server"))
                ? "Subsystem sftp /usr/lib/openssh/sftp-server\n" : "";
        Files.writeString(dir.resolve("etc/ssh/sshd_config"), "# sshd of a pve-simulator netns guest\n"
                + "Port 22\n"
                + "AddressFamily any\n"
                + "HostKey /etc/ssh/ssh_host_ed25519_key\n"
                + "PidFile /run/sshd.pid\n"
                + "AuthorizedKeysFile " + keyFiles + "\n"
                + "PermitRootLogin " + permitRoot + "\n"
                + "PubkeyAuthentication yes\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n"
                + "UsePAM no\n"
                + "StrictModes no\n"
                + "PrintMotd no\n"
                + "PrintLastLog no\n"
                + "SetEnv PATH=" + dir.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\n"
                + sftp);
    }

    /** NixOS's {@code /etc/hosts}: the host name on 127.0.0.2 (sudo resolves it). */
    static String hosts(String hostname) {
        return "127.0.0.1 localhost\n::1 localhost\n127.0.0.2 " + hostname + "\n";
    }

    private static String currentHostname(Path dir) {
        try {
            return Files.readString(dir.resolve("run/current-system/hostname")).strip();
        } catch (IOException e) {
            return "nixos";
        }
    }

    // The running generation decides, as NixOS renders sshd_config from the system being booted.
    private static String permitRootLogin(Path dir) {
        try {
            return Files.readString(dir.resolve("run/current-system/sshd-permit-root-login")).strip();
        } catch (IOException e) {
            return "prohibit-password";
        }
    }
}
