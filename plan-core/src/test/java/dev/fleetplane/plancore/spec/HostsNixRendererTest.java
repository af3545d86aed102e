package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostsNixRendererTest {

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void settingsFirst_hostsByName_proxmoxLast_pathsAsPathLiterals() throws Exception {
        JsonNode spec = json("""
                {"web": {"user": "root", "proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G",
                          "tags": ["web", "prod"], "description": "./not-a-path-here"},
                         "configurationFile": "./hosts/web/configuration.nix", "authorizedKeys": []},
                 "_fleetplane": {"autoApprove": false},
                 "_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "db": {}}""");
        assertEquals("""
                # exported
                {
                  _proxmox = {
                    defaultStorage = "local-lvm";
                    host = "10.0.0.1";
                    node = "pve";
                    templateVmid = 9003;
                  };

                  _fleetplane = {
                    autoApprove = false;
                  };

                  db = { };

                  web = {
                    authorizedKeys = [ ];
                    configurationFile = ./hosts/web/configuration.nix;
                    user = "root";
                    proxmox = {
                      cores = 2;
                      description = "./not-a-path-here";
                      disk = "32G";
                      memory = 4096;
                      tags = [ "web" "prod" ];
                      vmid = 111;
                    };
                  };
                }
                """, HostsNixRenderer.render(spec, List.of("exported")));
    }

    @Test
    void stringsAreEscapedForNix_andOddNamesAreQuoted() {
        assertEquals("\"a\\\"b\\\\c \\${x} $y $ \\n\\t\"", HostsNixRenderer.string("a\"b\\c ${x} $y $ \n\t"));
        assertEquals("web", HostsNixRenderer.attributeName("web"));
        assertEquals("_proxmox", HostsNixRenderer.attributeName("_proxmox"));
        assertEquals("\"in\"", HostsNixRenderer.attributeName("in"));
        assertEquals("\"my host\"", HostsNixRenderer.attributeName("my host"));
        assertEquals("\"1web\"", HostsNixRenderer.attributeName("1web"));
    }

    @Test
    void numbers_negativeInParentheses_floatsAlwaysWithAPoint() throws Exception {
        assertEquals("0.000012345", HostsNixRenderer.floatLiteral(new BigDecimal("1.2345E-5")));
        assertEquals("123457000.0", HostsNixRenderer.floatLiteral(new BigDecimal("1.23457E+8")));
        assertEquals("(-1.5)", HostsNixRenderer.floatLiteral(new BigDecimal("-1.5")));
        String host = HostsNixRenderer.renderHost(json("{\"h\": {\"n\": [-1, 2, 0.5], \"x\": null}}"), "h");
        assertEquals("  h = {\n    n = [ (-1) 2 0.5 ];\n    x = null;\n  };\n", host);
    }

    @Test
    void longOrNestedLists_takeOneLinePerElement() throws Exception {
        String host = HostsNixRenderer.renderHost(json("{\"h\": {\"keys\": [\"a\", \"b\", \"c\", \"d\", \"e\"],"
                + " \"nets\": [{\"bridge\": \"vmbr0\"}]}}"), "h");
        assertEquals("""
                  h = {
                    keys = [
                      "a"
                      "b"
                      "c"
                      "d"
                      "e"
                    ];
                    nets = [
                      {
                        bridge = "vmbr0";
                      }
                    ];
                  };
                """, host);
    }

    @Test
    void functionsAreNamed_andAnUnknownHostIsRefused() throws Exception {
        JsonNode spec = json("{\"web\": {\"mk\": \"<function>\", \"l\": [\"<function>\"]}}");
        assertEquals(List.of("web.mk", "web.l[0]"), HostsNixRenderer.functions(spec));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostsNixRenderer.renderHost(spec, "db"));
        assertTrue(e.getMessage().contains("no host 'db'"));
    }
}
