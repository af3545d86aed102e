package dev.fleetplane.proxmox.client;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.tls.TlsConfiguration;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.TrustOptions;
import java.security.KeyStore;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * Builds the Quarkus REST clients of one {@link PveConnection}: timeouts, the connection TTL pveproxy needs, and the
 * TLS trust ({@link PveTls}) handed to Vert.x as a {@link TlsConfiguration}, because the REST client does not accept an
 * {@code SSLContext}.
 */
final class PveTransport {

    private PveTransport() {
    }

    static QuarkusRestClientBuilder builder(PveConnection connection) {
        QuarkusRestClientBuilder b = QuarkusRestClientBuilder.newBuilder()
                .baseUri(connection.baseUrl())
                .connectTimeout(connection.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(connection.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .loggingMaskedHeaders(java.util.Set.of("Authorization", "Cookie", "CSRFPreventionToken"))
                // pveproxy drops idle keep-alive connections after 5 s; retire ours first (bpg#3082).
                .property(QuarkusRestClientProperties.CONNECTION_TTL, 3)
                .followRedirects(false);
        if (!"https".equals(connection.baseUrl().getScheme())) {
            return b;
        }
        if (connection.insecure()) {
            return b.trustAll(true).verifyHost(false);
        }
        PveTls tls = PveTls.of(connection);
        if (tls.trustManager() != null) {
            b.tlsConfiguration(new Trust(tls));
        }
        return b;
    }

    /** Only the trust side of a Quarkus TLS configuration: no client certificate, Vert.x defaults otherwise. */
    private record Trust(PveTls tls) implements TlsConfiguration {
        @Override
        public KeyStore getKeyStore() {
            return null;
        }

        @Override
        public KeyCertOptions getKeyStoreOptions() {
            return null;
        }

        @Override
        public KeyStore getTrustStore() {
            return null;
        }

        @Override
        public TrustOptions getTrustStoreOptions() {
            return TrustOptions.wrap(tls.trustManager());
        }

        @Override
        public SSLOptions getSSLOptions() {
            return null;
        }

        @Override
        public SSLContext createSSLContext() {
            return tls.sslContext();
        }

        @Override
        public boolean isTrustAll() {
            return false;
        }

        @Override
        public Optional<String> getHostnameVerificationAlgorithm() {
            return Optional.of(tls.verifyHost() ? "HTTPS" : "NONE");
        }

        @Override
        public boolean usesSni() {
            return false;
        }

        @Override
        public boolean reload() {
            return false;
        }

        @Override
        public String getName() {
            return "proxmox";
        }
    }
}
