package dev.fleetplane.provisioner.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;

/**
 * A guest's SSH host key as pinned: its type ({@code ssh-ed25519}), its OpenSSH-style fingerprint
 * ({@code SHA256:…}, what {@code ssh-keygen -lf} prints) and the public key blob in base64.
 */
public record HostKey(String keyType, String fingerprint, String publicKey) {

    public static HostKey of(PublicKey key) {
        byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
        return new HostKey(KeyType.fromKey(key).toString(), fingerprint(blob), Base64.getEncoder().encodeToString(blob));
    }

    static String fingerprint(byte[] blob) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Same key: same type and fingerprint. */
    public boolean sameAs(HostKey other) {
        return keyType.equals(other.keyType) && fingerprint.equals(other.fingerprint);
    }

    @Override
    public String toString() {
        return keyType + " " + fingerprint;
    }
}
