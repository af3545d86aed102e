package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.events.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exported text evaluates to the spec it was rendered from: round trips through the real nix-instantiate. */
class HostsNixRendererIT {

    final NixEvaluator nix = new NixEvaluator("nix-instantiate", Duration.ofSeconds(10));

    @Test
    void exampleFleet_roundTrips() throws Exception {
        JsonNode spec = nix.evaluate(Files.readString(Path.of("../examples/hosts.nix")));
        String exported = HostsNixRenderer.render(spec, List.of("exported by a test"));
        assertTrue(exported.contains("configurationFile = ./hosts/web/configuration.nix;"), exported);
        assertEquals(spec, nix.evaluate(exported));
    }

    @Test
    void awkwardValues_roundTrip() throws Exception {
        JsonNode spec = nix.evaluate("""
                let keys = [ "ssh-ed25519 AAAA one" "ssh-ed25519 BBBB two" ]; in {
                  _proxmox = { host = "10.0.0.1"; node = "pve"; defaultStorage = "local-lvm"; templateVmid = 9003; };
                  _fleetplane = { autoApprove = true; rebuildCommand = "nixos-rebuild switch --flake .#{host}"; };
                  "odd host" = { user = "root"; };
                  "in" = { note = "reserved word"; };
                  web = {
                    configurationFile = ./hosts/web/configuration.nix;
                    modules = [ ./a.nix ./b/c.nix ];
                    authorizedKeys = keys;
                    motd = "line one\\nline \\"two\\"\\ttab \\${not interpolated} $HOME \\\\ back";
                    multi = ''
                      indented ''${still not} text
                    '';
                    weight = 0.25; tiny = 0.000012345; big = 123456.5; negative = -3; none = null; empty = { };
                    nested = { deep = { list = [ 1 "two" [ 3 ] { four = 4; } ]; }; };
                    proxmox = { vmid = 111; cores = 2; memory = 4096; disk = "32G"; tags = [ "web" ];
                                description = "./looks/like/a/path but is not"; };
                  };
                }""");
        String exported = HostsNixRenderer.render(spec, List.of("spec version 7 of fleet default"));
        assertEquals(spec, nix.evaluate(exported), exported);

        // One host's block, pasted into a set, is that host.
        String block = HostsNixRenderer.renderHost(spec, "web");
        ObjectNode only = Json.MAPPER.createObjectNode();
        only.set("web", spec.get("web"));
        assertEquals(only, nix.evaluate("{\n" + block + "}\n"), block);
        String odd = HostsNixRenderer.renderHost(spec, "odd host");
        assertTrue(odd.startsWith("  \"odd host\" = {"), odd);
    }
}
