package dev.fleetplane.proxmox.client;

import java.util.Map;

/**
 * The node's TLS certificate was refused: not the pinned fingerprint, or not signed by the configured CA. Carries the
 * URL and both fingerprints so the operator can tell a wrong pin from a man in the middle (and re-pin knowingly).
 */
public final class PveCertificateException extends PveException {

    private final String seenFingerprint;
    private final String expectedFingerprint;

    PveCertificateException(String operation, String url, String seenFingerprint, String expectedFingerprint,
                            String message, Throwable cause) {
        super(Failure.UNTRUSTED_CERTIFICATE, operation, url, 0, message, Map.of(), message, cause);
        this.seenFingerprint = seenFingerprint;
        this.expectedFingerprint = expectedFingerprint;
    }

    /** SHA-256 of the certificate the server presented ({@code AB:12:…}), null if it sent none. */
    public String seenFingerprint() {
        return seenFingerprint;
    }

    /** The pinned fingerprint, null when trust came from a CA file. */
    public String expectedFingerprint() {
        return expectedFingerprint;
    }
}
