package dev.fleetplane.provisioner.integrate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A guest's {@code /etc/ssh/ssh_host_ed25519_key.pub} as read: the base64 key blob and the comment, checked to be a
 * well-formed {@code ssh-ed25519} key (RFC 8709: string "ssh-ed25519", string of 32 key bytes).
 *
 * @param blob    the key blob in base64, as on the line
 * @param comment what followed the blob on the line ({@code root@nixos}); empty if nothing did
 */
public record Ed25519HostKey(String blob, String comment) {

    public static final String KEY_TYPE = "ssh-ed25519";
    private static final int KEY_BYTES = 32;
    /** 4-byte length + "ssh-ed25519" + 4-byte length + 32 key bytes. */
    private static final int BLOB_BYTES = 4 + KEY_TYPE.length() + 4 + KEY_BYTES;

    public Ed25519HostKey {
        if (blob == null || blob.isBlank()) {
            throw new HostKeyFormatException("ssh-ed25519 key blob is missing");
        }
        rawKey(blob); // validates
        comment = comment == null ? "" : comment;
    }

    /**
     * Parses one OpenSSH public key line ({@code ssh-ed25519 AAAA… comment}).
     *
     * @throws HostKeyFormatException naming what is wrong: another key type, bad base64, a blob of the wrong length,
     *                                a blob whose inner type disagrees with the line's
     */
    public static Ed25519HostKey parse(String line) {
        if (line == null || line.isBlank()) {
            throw new HostKeyFormatException("host key line is empty: expected 'ssh-ed25519 AAAA… [comment]'");
        }
        String[] parts = line.strip().split("\\s+", 3);
        if (!KEY_TYPE.equals(parts[0])) {
            throw new HostKeyFormatException("host key is of type '" + printable(parts[0])
                    + "', not ssh-ed25519: an age recipient can only be derived from an ed25519 key");
        }
        if (parts.length < 2) {
            throw new HostKeyFormatException("host key line has the type ssh-ed25519 but no key blob after it");
        }
        return new Ed25519HostKey(parts[1], parts.length == 3 ? parts[2] : "");
    }

    /** The 32 public key bytes (the compressed Edwards point, RFC 8032 §5.1.2). */
    public byte[] rawKey() {
        return rawKey(blob);
    }

    /** The line a user commits: type and blob, without the comment (which names the installer, not the host). */
    public String publicKeyLine() {
        return KEY_TYPE + " " + blob;
    }

    /** {@code SHA256:…}, what {@code ssh-keygen -lf} prints. */
    public String fingerprint() {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(blob));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] rawKey(String blob) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(blob);
        } catch (IllegalArgumentException e) {
            throw new HostKeyFormatException("ssh-ed25519 key blob is not valid base64 (" + e.getMessage() + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        String innerType = readString(in, bytes.length);
        if (!KEY_TYPE.equals(innerType)) {
            throw new HostKeyFormatException("key blob says its type is '" + printable(innerType)
                    + "' but the line says ssh-ed25519");
        }
        if (bytes.length != BLOB_BYTES) {
            throw new HostKeyFormatException("ssh-ed25519 key blob is " + bytes.length + " bytes long, expected "
                    + BLOB_BYTES + " (a 32-byte key)");
        }
        int keyLength = in.getInt();
        if (keyLength != KEY_BYTES) {
            throw new HostKeyFormatException("ssh-ed25519 key blob holds a " + keyLength + "-byte key, expected 32");
        }
        byte[] key = new byte[KEY_BYTES];
        in.get(key);
        return key;
    }

    private static String readString(ByteBuffer in, int total) {
        if (in.remaining() < 4) {
            throw new HostKeyFormatException("ssh-ed25519 key blob is " + total + " bytes long, too short to hold a key type");
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new HostKeyFormatException("ssh-ed25519 key blob is " + total
                    + " bytes long, too short for the key type length it declares (" + length + ")");
        }
        byte[] type = new byte[length];
        in.get(type);
        return new String(type, StandardCharsets.US_ASCII);
    }

    /** Keeps an error message one readable line whatever bytes the guest sent. */
    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
