package dev.fleetplane.proxmox.client;

import dev.fleetplane.proxmox.client.PveException.Failure;
import java.util.Map;

/**
 * A call that got no HTTP answer, as a typed failure: connection refused or closed and timeouts are transient; a
 * refused certificate is a {@link PveCertificateException} naming the URL and both fingerprints. Quarkus-free, so
 * plain-Java callers ({@link PveReadOnlyClient}) can use it without loading {@link ProxmoxClient}.
 */
final class TransportFailure {

    private TransportFailure() {
    }

    static PveException of(PveConnection connection, PveCall c, Exception e) {
        Throwable root = e;
        PveTls.Untrusted untrusted = null;
        boolean tls = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PveTls.Untrusted u && untrusted == null) {
                untrusted = u;
            }
            tls |= t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException;
            root = t;
        }
        if (untrusted != null) {
            String m = c.operation() + " failed: " + c.method() + " " + c.url() + ": the TLS certificate was refused: "
                    + (untrusted.expectedFingerprint() != null
                    ? "the server presented SHA-256 " + untrusted.seenFingerprint() + " but the pinned fingerprint is "
                    + untrusted.expectedFingerprint() + " (the node's certificate changed, or this is not the node)"
                    : untrusted.getMessage());
            return new PveCertificateException(c.operation(), c.url(), untrusted.seenFingerprint(),
                    untrusted.expectedFingerprint(), connection.redact(m), e);
        }
        String why = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        String hint = tls ? " (TLS: is the node's certificate trusted? set a CA file or pin the node's SHA-256"
                + " fingerprint; insecure=true only for a throwaway lab)" : "";
        return new PveException(tls ? Failure.UNTRUSTED_CERTIFICATE : Failure.TRANSIENT, c.operation(), c.url(), 0, why,
                Map.of(), connection.redact(c.operation() + " failed: " + c.method() + " " + c.url()
                + " got no answer: " + why + hint), e);
    }
}
