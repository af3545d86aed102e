package dev.fleetplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/nixos: the files parse as Nix, and the module names every service (with its port) and every variable the
 * services need. Nixpkgs cannot be fetched where these tests run, so the module is parsed, never evaluated: the
 * option types and the nixpkgs modules it sets (services.apache-kafka, services.postgresql) are not checked here.
 */
class NixosModuleTest {

    private static final Path MODULE = Checkout.deploy("nixos/module.nix");

    @Test
    void everyNixFileParses() {
        for (String file : List.of("nixos/module.nix", "nixos/example.nix", "nixos/package.nix")) {
            Command parse = Command.run(List.of("nix-instantiate", "--parse", Checkout.deploy(file).toString()),
                    Map.of());
            assertEquals(0, parse.exitCode(), "deploy/" + file + " does not parse: " + parse.output());
        }
    }

    @Test
    void theModuleRunsEveryServiceOnItsPort() {
        String module = Checkout.read(MODULE);
        List<String> missing = new ArrayList<>();
        for (String service : Services.all()) {
            if (!Pattern.compile("\\n\\s+" + Pattern.quote(service) + " = " + Services.port(service) + ";")
                    .matcher(module).find()) {
                missing.add(service + " = " + Services.port(service) + ";");
            }
        }
        assertEquals(List.of(), missing, "deploy/nixos/module.nix defaultPorts lacks these services");
        assertTrue(module.contains("nameValuePair \"fleetplane-${name}\" (unitFor name)"),
                "the module no longer makes a fleetplane-<service> unit of every service");
        assertTrue(module.contains("/share/fleetplane/${name}/quarkus-app/quarkus-run.jar"),
                "the units no longer start each service's quarkus-run.jar");
    }

    @Test
    void theModuleNamesEveryVariableTheServicesNeedAndSecretsOnlyAsCredentials() {
        String module = Checkout.read(MODULE);
        List<String> missing = new ArrayList<>();
        for (String service : Services.all()) {
            for (String variable : Services.requiredEnvironment(service)) {
                boolean named = Services.isSecret(variable)
                        ? module.contains("cred \"" + variable + "\"")
                        : Pattern.compile("\\b" + variable + " = ").matcher(module).find();
                if (!named) {
                    missing.add(service + ": " + variable);
                }
            }
        }
        assertEquals(List.of(), missing, "deploy/nixos/module.nix does not give these variables (secrets: as"
                + " `cred \"NAME\"`, a LoadCredential= the launcher exports)");
        for (String service : Services.all()) {
            for (String variable : Services.requiredEnvironment(service)) {
                if (Services.isSecret(variable)) {
                    assertTrue(!Pattern.compile("\\b" + variable + " = ").matcher(module).find(),
                            variable + " is set as a plain variable (it would land in the Nix store)");
                }
            }
        }
    }

    @Test
    void kafkaAndPostgresqlComeFromNixpkgsModulesAndTheServicesWaitForThem() {
        String module = Checkout.read(MODULE);
        for (String expected : List.of("services.apache-kafka = mkIf localKafka", "services.postgresql = mkIf localDatabase",
                "ensureDatabases = [ \"fleetplane\" ]", "\"apache-kafka.service\"", "\"postgresql.service\"",
                "after = [ \"network-online.target\" ] ++ dependencies;", "requires = dependencies;",
                "LoadCredential = map", "ProtectSystem = \"strict\";", "NoNewPrivileges = true;",
                "default = \"127.0.0.1\";")) {
            assertTrue(module.contains(expected), "deploy/nixos/module.nix lacks: " + expected);
        }
    }
}
