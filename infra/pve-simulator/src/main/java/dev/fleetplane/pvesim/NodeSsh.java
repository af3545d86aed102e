package dev.fleetplane.pvesim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Gives every node an SSH server, as a real Proxmox node has one: a real OpenSSH {@code sshd} on 127.0.0.1 (a free
 * port), user {@code root} with this one public key, SFTP on, passwords off. What it is for: copying a backup
 * archive into the node's dump directory ({@code /var/lib/vz/dump} on a real node) before restoring it through the API.
 *
 * @param authorizedKey the one OpenSSH public key line ({@code ssh-ed25519 AAAA… comment}) root logs in with
 * @param sshd          the OpenSSH server binary (absolute, so {@code -D} keeps the process ours)
 * @param sshKeygen     the key generator for the node's host key
 */
public record NodeSsh(String authorizedKey, Path sshd, Path sshKeygen) {

    private static final Pattern PUBLIC_KEY = Pattern.compile(
            "(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-\\S+)\\s+[A-Za-z0-9+/]+={0,3}(\\s+\\S.*)?");

    public NodeSsh {
        Objects.requireNonNull(authorizedKey, "authorizedKey");
        Objects.requireNonNull(sshd, "sshd");
        Objects.requireNonNull(sshKeygen, "sshKeygen");
        authorizedKey = authorizedKey.strip();
        if (!PUBLIC_KEY.matcher(authorizedKey).matches()) {
            throw new IllegalArgumentException("node SSH: the authorized key must be one OpenSSH public key line"
                    + " ('ssh-ed25519 AAAA… comment'), got '" + abbreviate(authorizedKey) + "'");
        }
    }

    /** With this public key line and the machine's {@code /usr/sbin/sshd} and {@code /usr/bin/ssh-keygen}. */
    public static NodeSsh of(String authorizedKey) {
        return new NodeSsh(authorizedKey, Path.of("/usr/sbin/sshd"), Path.of("/usr/bin/ssh-keygen"));
    }

    /** With the one key of a {@code .pub} (or one-key authorized_keys) file; blank and {@code #} lines are skipped. */
    public static NodeSsh fromFile(Path publicKeyFile) {
        List<String> keys;
        try {
            keys = Files.readAllLines(publicKeyFile, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("node SSH: cannot read the authorized key file " + publicKeyFile, e);
        }
        if (keys.size() != 1) {
            throw new IllegalArgumentException("node SSH: " + publicKeyFile + " must hold exactly one public key, has "
                    + keys.size());
        }
        return of(keys.get(0));
    }

    public NodeSsh withSshd(Path sshdBinary) {
        return new NodeSsh(authorizedKey, sshdBinary, sshKeygen);
    }

    public NodeSsh withSshKeygen(Path sshKeygenBinary) {
        return new NodeSsh(authorizedKey, sshd, sshKeygenBinary);
    }

    // A public key is no secret, but a wrong value might be one (a private key pasted by mistake): show only its start.
    private static String abbreviate(String s) {
        return s.length() <= 12 ? s : s.substring(0, 12) + "…";
    }
}
