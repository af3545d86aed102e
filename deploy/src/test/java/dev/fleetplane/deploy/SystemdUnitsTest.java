package dev.fleetplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd: one unit per service that starts that service's jar on its port, as the fleetplane user, hardened;
 * every variable the service needs is in fleetplane.env.example or the unit, secrets only as LoadCredential=.
 */
class SystemdUnitsTest {

    private static final String LAUNCHER = "/opt/fleetplane/bin/fleetplane-launch";

    private static UnitFile unit(String service) {
        Path file = Checkout.deploy("systemd/fleetplane-" + service + ".service");
        return UnitFile.parse(file.getFileName().toString(), Checkout.read(file));
    }

    /** The example environment file: KEY=VALUE lines and comments, which java.util.Properties reads as they are. */
    private static Properties environmentFile() throws IOException {
        Properties env = new Properties();
        try (Reader r = Files.newBufferedReader(Checkout.deploy("systemd/fleetplane.env.example"))) {
            env.load(r);
        }
        return env;
    }

    @Test
    void everyServiceHasAUnitStartingItsJarOnItsPort() {
        for (String service : Services.all()) {
            UnitFile unit = unit(service);
            assertEquals(LAUNCHER + " /opt/fleetplane/" + service + "/quarkus-app/quarkus-run.jar",
                    unit.value("Service", "ExecStart").split(" -X")[0], unit.name() + ": ExecStart");
            assertTrue(unit.values("Service", "Environment").contains("QUARKUS_HTTP_PORT=" + Services.port(service)),
                    unit.name() + " does not set QUARKUS_HTTP_PORT=" + Services.port(service));
            assertEquals("fleetplane", unit.value("Service", "User"), unit.name());
            assertEquals("/etc/fleetplane/fleetplane.env", unit.value("Service", "EnvironmentFile"), unit.name());
            assertEquals("multi-user.target", unit.value("Install", "WantedBy"), unit.name());
            for (String hardening : List.of("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp",
                    "PrivateDevices", "RestrictAddressFamilies", "CapabilityBoundingSet", "SystemCallArchitectures")) {
                assertEquals(1, unit.values("Service", hardening).size(), unit.name() + " lacks " + hardening + "=");
            }
        }
    }

    @Test
    void everyVariableIsGivenAndSecretsComeOnlyFromCredentialFiles() throws IOException {
        Properties env = environmentFile();
        List<String> problems = new ArrayList<>();
        for (String service : Services.all()) {
            UnitFile unit = unit(service);
            Set<String> credentials = new TreeSet<>();
            for (String c : unit.values("Service", "LoadCredential")) {
                credentials.add(c.substring(0, c.indexOf(':')));
            }
            Set<String> given = new TreeSet<>(env.stringPropertyNames());
            unit.values("Service", "Environment").forEach(e -> given.add(e.substring(0, e.indexOf('='))));
            for (String variable : Services.requiredEnvironment(service)) {
                if (Services.isSecret(variable) && !credentials.contains(variable)) {
                    problems.add(unit.name() + ": secret " + variable + " is not a LoadCredential=");
                } else if (!Services.isSecret(variable) && !given.contains(variable)) {
                    problems.add(unit.name() + ": " + variable + " is neither in fleetplane.env.example nor Environment=");
                }
            }
        }
        for (String key : env.stringPropertyNames()) {
            if (Services.isSecret(key)) {
                problems.add("fleetplane.env.example holds the secret " + key + " (it must be a LoadCredential=)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void systemdAnalyzeVerifiesEveryUnit(@TempDir Path dir) throws IOException {
        // The launcher is not installed here, and verify refuses a unit whose ExecStart is missing: the copies start
        // /bin/sh instead, everything else as written.
        List<String> files = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        for (String service : Services.all()) {
            String name = "fleetplane-" + service + ".service";
            Path copy = dir.resolve(name);
            Files.writeString(copy, Checkout.read(Checkout.deploy("systemd/" + name)).replace(LAUNCHER, "/bin/sh"));
            files.add(copy.toString());
        }

        Command verify = Command.run(files, Map.of());

        assertEquals(0, verify.exitCode(), verify.output());
        assertEquals("", verify.output().strip(), "systemd-analyze verify warns about the units");
    }
}
