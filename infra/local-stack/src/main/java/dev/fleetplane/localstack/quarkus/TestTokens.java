package dev.fleetplane.localstack.quarkus;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bearer tokens of the tests, one per role, and the tokens file that admits them ({@code <name> <roles> <sha256>}
 * a line, docs/access.md), which {@link LocalStackTestResource} hands every service it starts. Test values, never a
 * deployment's: the tokens are known strings so that a test can act as any role.
 */
public final class TestTokens {

    public static final String OPERATOR = "it-operator-token";
    public static final String VIEWER = "it-viewer-token";
    public static final String CI = "it-ci-token";
    public static final String CONSOLE = "it-console-token";
    /** A viewer limited to hosts {@code web*}, named {@code it-viewer-web}. */
    public static final String VIEWER_WEB = "it-viewer-web-token";
    /** An operator that expired in 2020, named {@code it-expired}. */
    public static final String EXPIRED = "it-expired-token";

    private static Path file;

    private TestTokens() {
    }

    /**
     * The tokens file (written once per JVM): it-operator, it-viewer, it-ci, it-console with their one role each,
     * it-viewer-web (viewer of {@code web*} only) and it-expired (operator, expired 2020-01-01). A test may append a
     * line (the services re-read the file when it changes).
     */
    public static synchronized Path file() {
        if (file == null) {
            try {
                Path f = Files.createTempFile("fleetplane-test-tokens", ".txt");
                f.toFile().deleteOnExit();
                Files.writeString(f, "# the tests' tokens (TestTokens)\n"
                        + "it-operator operator " + sha256Hex(OPERATOR) + "\n"
                        + "it-viewer viewer " + sha256Hex(VIEWER) + "\n"
                        + "it-ci ci " + sha256Hex(CI) + "\n"
                        + "it-console console " + sha256Hex(CONSOLE) + "\n"
                        + "it-viewer-web viewer " + sha256Hex(VIEWER_WEB) + " hosts=web*\n"
                        + "it-expired operator " + sha256Hex(EXPIRED) + " expires=2020-01-01\n", StandardCharsets.UTF_8);
                file = f;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the test tokens file", e);
            }
        }
        return file;
    }

    /** {@code Bearer <token>}. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /**
     * Every RestAssured request of this test JVM carries the operator's token from now on (ITs that test a service's
     * behaviour, not its doors). The access ITs call the doors with explicit headers instead.
     */
    public static synchronized void actAsOperator() {
        // A filter, not a default RequestSpecification: a built specification pins the port it saw (8080) over the
        // one Quarkus sets per test. A request that names its own Authorization keeps it.
        OperatorHeader.install();
    }

    /**
     * Holds the RestAssured filter apart, so that loading {@link TestTokens} (the local stack does, for
     * {@link #file()}) needs no RestAssured on the classpath: fleet-messaging's ITs have none.
     */
    private static final class OperatorHeader {
        private static final Filter FILTER = (request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", bearer(OPERATOR));
            }
            return context.next(request, response);
        };

        static void install() {
            if (!RestAssured.filters().contains(FILTER)) {
                RestAssured.filters(FILTER);
            }
        }
    }

    /** The SHA-256 of a token as a tokens file holds it (hex). */
    public static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
