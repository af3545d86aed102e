package dev.fleetplane.cli.hostsfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PublicKeyEditTest {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetplaneTestKeyOnlyForUnitTests0000000";

    static String edited(String text, String host) throws Exception {
        PublicKeyEdit.Result r = PublicKeyEdit.of(NixText.of(text), "hosts.nix", host, KEY);
        return FileChange.of("hosts.nix", text, assertInstanceOf(PublicKeyEdit.Edit.class, r, r::toString).edits())
                .after();
    }

    static String refusal(String text, String host) throws Exception {
        return assertInstanceOf(PublicKeyEdit.Refused.class, PublicKeyEdit.of(NixText.of(text), "hosts.nix", host, KEY))
                .problem();
    }

    @Test
    void aHostWithoutKey_getsTheLineAfterItsLastAttributeBeforeProxmox_inItsIndentation() throws Exception {
        String text = """
                let admin = "ops"; in
                {
                    web = {
                        hostname = "web"; # the VM's name
                        user = admin;
                        proxmox = {
                            vmid = 111;
                        };
                    };
                }
                """;
        assertEquals(text.replace("        user = admin;\n", "        user = admin;\n        publicKey = \"" + KEY + "\";\n"),
                edited(text, "web"));
    }

    @Test
    void anExistingKey_isReplacedInPlace_keepingItsComment_andTheSameKeyChangesNothing() throws Exception {
        String text = """
                {
                  wsl = {
                    publicKey = "ssh-ed25519 AAAAold root@wsl"; # <--- PASTE HERE
                    user = "nixos";
                  };
                }
                """;
        String once = edited(text, "wsl");
        assertEquals(text.replace("\"ssh-ed25519 AAAAold root@wsl\"", "\"" + KEY + "\""), once);
        assertEquals(List.of(), ((PublicKeyEdit.Edit) PublicKeyEdit.of(NixText.of(once), "hosts.nix", "wsl", KEY))
                .edits(), "idempotent");
    }

    @Test
    void dottedBindings_oneLineSets_andProxmoxOnlyHosts() throws Exception {
        assertEquals("{\n  web.publicKey = \"" + KEY + "\";\n}\n", edited("{\n  web.publicKey = \"x\";\n}\n", "web"));
        assertEquals("{ web = { user = \"a\"; publicKey = \"" + KEY + "\"; }; }\n",
                edited("{ web = { user = \"a\"; }; }\n", "web"));
        assertEquals("{\n  web = {\n    publicKey = \"" + KEY + "\";\n    proxmox = mk 1;\n  };\n}\n",
                edited("{\n  web = {\n    proxmox = mk 1;\n  };\n}\n", "web"));
        assertEquals("{\n  web = {\n    publicKey = \"" + KEY + "\";\n  };\n}\n", edited("{\n  web = {\n  };\n}\n", "web"));
    }

    @Test
    void aMissingHost_orAHostThatIsNoSet_isRefusedNamingFileAndFix() throws Exception {
        String missing = refusal("{ db = { }; }\n", "web");
        assertTrue(missing.startsWith("hosts.nix has no host 'web'"), missing);
        assertTrue(missing.contains("fleetplane new web"), missing);
        String helper = refusal("{\n  web = mkHost { };\n}\n", "web");
        assertTrue(helper.startsWith("hosts.nix:2: host web is not written as an attribute set"), helper);
        assertTrue(helper.contains("publicKey = \"" + KEY + "\";"), helper);
    }
}
