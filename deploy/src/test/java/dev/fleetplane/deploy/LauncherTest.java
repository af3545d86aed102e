package dev.fleetplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/bin/fleetplane-launch, which every deployment starts the services with: credential files named like a
 * variable become that variable, other files stay files, and the JVM gets the jar.
 */
class LauncherTest {

    private static final Path LAUNCHER = Checkout.deploy("bin/fleetplane-launch");

    @Test
    void credentialsNamedLikeVariablesBecomeTheEnvironmentOfTheJvm(@TempDir Path dir) throws IOException {
        Path credentials = Files.createDirectory(dir.resolve("credentials"));
        Files.writeString(credentials.resolve("PVE_TOKEN_SECRET"), "s3cr3t with spaces\n");
        Files.writeString(credentials.resolve("ssh-identity"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
        Path jar = Files.writeString(dir.resolve("quarkus-run.jar"), "");
        // A stand-in for java that prints its arguments and what the launcher exported.
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"args=$*\"\necho \"secret=[$PVE_TOKEN_SECRET]\"\n"
                + "echo \"identity=[${ssh_identity:-unset}]\"\n");
        assertTrue(java.toFile().setExecutable(true));

        Command run = Command.run(List.of("sh", LAUNCHER.toString(), jar.toString(), "-Xmx256m"),
                Map.of("CREDENTIALS_DIRECTORY", credentials.toString(), "JAVA", java.toString(), "JAVA_OPTS", "-Xms32m"));

        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of("args=-Xms32m -Xmx256m -jar " + jar, "secret=[s3cr3t with spaces]", "identity=[unset]"),
                run.output().lines().toList());
    }

    @Test
    void aMissingJarIsNamedAndNothingStarts(@TempDir Path dir) {
        Command run = Command.run(List.of("sh", LAUNCHER.toString(), dir.resolve("absent/quarkus-run.jar").toString()),
                Map.of("JAVA", "/bin/false"));

        assertEquals(66, run.exitCode(), run.output());
        assertTrue(run.output().contains("absent/quarkus-run.jar is not a file"), run.output());
        assertFalse(run.output().contains("-jar"), run.output());
    }
}
