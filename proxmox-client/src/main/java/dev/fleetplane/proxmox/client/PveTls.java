package dev.fleetplane.proxmox.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a connection trusts the Proxmox node's certificate: a trust manager for a CA file or a pinned SHA-256
 * fingerprint, whose rejections say what was seen ({@link Untrusted}) so the failure can name both fingerprints.
 * Transport-neutral (plain {@code javax.net.ssl}): the REST client and plain-JDK callers use the same checks.
 */
public final class PveTls {

    private final X509ExtendedTrustManager trustManager; // null: the JVM's default trust (or insecure)
    private final boolean verifyHost;

    private PveTls(X509ExtendedTrustManager trustManager, boolean verifyHost) {
        this.trustManager = trustManager;
        this.verifyHost = verifyHost;
    }

    /** The trust {@code connection} asks for; a CA file that cannot be read is an error naming it. */
    public static PveTls of(PveConnection connection) {
        if (connection.fingerprint() != null) {
            return new PveTls(new Pinned(connection.fingerprint()), false);
        }
        if (connection.caFile() != null) {
            return new PveTls(new FromCaFile(connection.caFile()), true);
        }
        return new PveTls(null, !connection.insecure());
    }

    /** Null when the JVM's default trust store (or, with insecure, nothing) decides. */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** Whether the host name must match the certificate (not with a pinned fingerprint, not when insecure). */
    public boolean verifyHost() {
        return verifyHost;
    }

    /** A client context with this trust (only when {@link #trustManager()} is set). */
    public SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{trustManager}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }

    /** SHA-256 of the DER certificate, upper-case colon-separated, as Proxmox shows it. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a certificate", e);
        }
    }

    /** A certificate this trust refused: what was seen and why (never a secret). */
    public static final class Untrusted extends CertificateException {
        private final String seenFingerprint;
        private final String expectedFingerprint; // null for a CA file

        Untrusted(String message, String seenFingerprint, String expectedFingerprint, Throwable cause) {
            super(message, cause);
            this.seenFingerprint = seenFingerprint;
            this.expectedFingerprint = expectedFingerprint;
        }

        public String seenFingerprint() {
            return seenFingerprint;
        }

        public String expectedFingerprint() {
            return expectedFingerprint;
        }
    }

    /** Accepts exactly one leaf certificate, whatever signed it (Proxmox's self-signed pve-ssl.pem). */
    private static final class Pinned extends X509ExtendedTrustManager {
        private final String expected;

        Pinned(String expected) {
            this.expected = expected;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new Untrusted("the server sent no certificate", null, expected, null);
            }
            String seen = fingerprint(chain[0]);
            if (!seen.equals(expected)) {
                throw new Untrusted("certificate fingerprint " + seen + " is not the pinned " + expected, seen, expected, null);
            }
            chain[0].checkValidity();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** The JDK's PKIX checks (chain and, through the engine, host name) against the certificates of one PEM file. */
    private static final class FromCaFile extends X509ExtendedTrustManager {
        private final Path file;
        private final X509ExtendedTrustManager pkix;

        FromCaFile(Path file) {
            this.file = file;
            try (InputStream in = Files.newInputStream(file)) {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("Proxmox CA file " + file + " holds no PEM certificate");
                }
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (Certificate c : certs) {
                    ks.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(ks);
                X509ExtendedTrustManager found = null;
                for (TrustManager tm : tmf.getTrustManagers()) {
                    if (tm instanceof X509ExtendedTrustManager x) {
                        found = x;
                    }
                }
                this.pkix = found;
            } catch (IOException e) {
                throw new IllegalArgumentException("Proxmox CA file " + file + " cannot be read: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("Proxmox CA file " + file + " is not PEM certificates: " + e.getMessage(), e);
            }
        }

        private Untrusted untrusted(X509Certificate[] chain, CertificateException e) {
            String seen = chain == null || chain.length == 0 ? null : fingerprint(chain[0]);
            return new Untrusted("certificate (SHA-256 " + seen + ") is not trusted by CA file " + file + ": "
                    + e.getMessage(), seen, null, e);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                pkix.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                pkix.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                pkix.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
