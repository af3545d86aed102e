package dev.fleetplane.templates;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The template builder's settings ({@code fleetplane.templates.*}; environment variables override). */
@ConfigMapping(prefix = "fleetplane.templates")
public interface TemplatesConfig {

    /** Where each build gets a directory of its own ({@code <work-dir>/<build id>}); the adapter must read it too. */
    @WithDefault("${user.home}/.fleetplane/templates")
    Path workDir();

    /** The node the template is registered on when the command names none. */
    @WithDefault("pve")
    String node();

    /** The storage the template's disks go to when the command names none. */
    @WithDefault("local-lvm")
    String storage();

    /** {@code sftp} or {@code api}, when the command names none. */
    @WithDefault("sftp")
    String route();

    Build build();

    NodeSsh nodeSsh();

    Api api();

    Smoke smoke();

    Retention retention();

    /** How an image is built. */
    interface Build {
        /**
         * The recipe built when the command names neither recipe nor flake: a directory holding a flake with a
         * {@code nixosConfigurations.<attribute>} (e.g. the repository's {@code examples/template}).
         */
        Optional<Path> recipe();

        /** The NixOS configuration of the recipe's flake that is built. */
        @WithDefault("template")
        String attribute();

        /**
         * The command of the sftp route (a VMA), split on blanks, never given to a shell. {@code {flake}} is the
         * flake reference ({@code <recipe>#<attribute>} or the command's flake), {@code {out}} the build's directory.
         * The seed's form is {@code nix build {flake}}.
         */
        @WithDefault("nixos-rebuild build-image --image-variant proxmox --flake {flake}")
        String sftpCommand();

        /** The command of the api route (a qcow2); placeholders as {@link #sftpCommand()}. */
        @WithDefault("nixos-rebuild build-image --image-variant qemu --flake {flake}")
        String apiCommand();

        /** The build's time limit when the command gives none; past it the process tree is killed. */
        @WithDefault("PT1H")
        Duration timeout();

        /** Longest build output line published; longer ones are cut. */
        @WithDefault("500")
        int maxLineLength();

        /** Lines per TemplateBuildOutput event. */
        @WithDefault("50")
        int linesPerEvent();

        /** Lines a build may publish in all; later ones are only counted (the tail is kept in the rejection). */
        @WithDefault("5000")
        int maxLines();
    }

    /** The sftp route's way onto the node: SSH (SFTP) to its dump directory. */
    interface NodeSsh {
        /** The node's SSH address; without it the sftp route is refused at once (naming this key). */
        Optional<String> host();

        @WithDefault("22")
        int port();

        @WithDefault("root")
        String user();

        /** Private key in OpenSSH format, unencrypted. Env {@code FLEETPLANE_TEMPLATES_NODE_SSH_IDENTITY_FILE}. */
        Optional<Path> identityFile();

        /** The node's host key fingerprint as {@code ssh-keygen -lf} prints it ({@code SHA256:…}); required. */
        Optional<String> hostKeyFingerprint();

        /** The {@code local} storage's backup directory on the node. */
        @WithDefault("/var/lib/vz/dump")
        String dumpDir();

        /** The storage whose {@code backup} content that directory is, for the archive's volid. */
        @WithDefault("local")
        String backupStorage();

        @WithDefault("PT10S")
        Duration connectTimeout();
    }

    /** The api route: upload as import content, create with import-from. */
    interface Api {
        /** The storage that takes the qcow2 as {@code import} content (a dir storage). */
        @WithDefault("local")
        String importStorage();

        /** The disk the image becomes on the candidate. */
        @WithDefault("scsi0")
        String diskKey();
    }

    /** The smoke test of a clone of the candidate. */
    interface Smoke {
        /** How long the clone may take from its start to a guest agent with a usable address. */
        @WithDefault("PT5M")
        Duration deadline();

        /** Pause between guest-agent queries; doubles up to {@link #maxBackoff()}. */
        @WithDefault("PT1S")
        Duration initialBackoff();

        @WithDefault("PT10S")
        Duration maxBackoff();

        /** A query the adapter has not answered within this is sent again. */
        @WithDefault("PT30S")
        Duration replyTimeout();

        /** The user the template lets the fleet key in as on first boot. */
        @WithDefault("root")
        String sshUser();

        @WithDefault("22")
        int sshPort();

        /** The fleet's private key (OpenSSH, unencrypted). Env {@code FLEETPLANE_TEMPLATES_SMOKE_IDENTITY_FILE}. */
        Optional<Path> identityFile();

        /** How long the SSH login may take once the address is known (sshd may still be starting). */
        @WithDefault("PT60S")
        Duration loginDeadline();

        /** How often the scheduler looks for due queries and deadlines. */
        @WithDefault("PT0.5S")
        Duration tick();
    }

    /** Which old templates are deleted after a new one is ready. */
    interface Retention {
        /** The newest N templates of a name are always kept. */
        @WithDefault("3")
        int keep();

        /** An older one is deleted only when no VM was cloned from it for this long (and it is not promoted). */
        @WithDefault("P30D")
        Duration unusedFor();
    }
}
