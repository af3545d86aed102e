package dev.fleetplane.provisioner.integrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntegrationSnippetsTest {

    private static final String EVE_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF/KPU3Z5LSjbBI6hrq25wCcseq2UpqSzUFZRr+ux6LM root@nixos";
    private static final String EVE_RECIPIENT = "age1hjm3aujg9e79f5yth8a2cejzdjg5n9vnu96l05p70uvfpeltnpms7yy3pp";

    @Test
    void hostsNixLine_isThePublicKeyWithoutTheInstallersComment() {
        IntegrationSnippets web = IntegrationSnippets.of("web", EVE_KEY);

        assertEquals("publicKey = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF/KPU3Z5LSjbBI6hrq25wCcseq2UpqSzUFZRr+ux6LM\";",
                web.hostsNixLine());
        assertEquals("web.publicKey", web.hostsNixAttrPath());
    }

    @Test
    void sopsLines_anchorTheRecipientUnderKeysAndReferenceItInKeyGroups() {
        IntegrationSnippets web = IntegrationSnippets.of("web", EVE_KEY);

        assertEquals("  - &host_web " + EVE_RECIPIENT, web.sopsKeyLine());
        assertEquals("          - *host_web", web.sopsKeyGroupLine());
    }

    @Test
    void rendering_holdsEverySnippetAUserPastes() {
        String text = IntegrationSnippets.of("web-1", EVE_KEY).render();

        assertTrue(text.contains("# hosts.nix: in the attribute set of host web-1 (web-1.publicKey)\n"), text);
        assertTrue(text.contains("\n    publicKey = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF/KPU3Z5LSjbBI6hrq25wCcseq2UpqSzUFZRr+ux6LM\";\n"), text);
        assertTrue(text.contains("\n  - &host_web-1 " + EVE_RECIPIENT + "\n"), text);
        assertTrue(text.contains("\n          - *host_web-1\n"), text);
        assertTrue(text.contains("sops updatekeys"), text);
    }

    @Test
    void hostNameStartingWithADigit_isQuotedInTheAttrPath() {
        assertEquals("\"1web\".publicKey", IntegrationSnippets.of("1web", EVE_KEY).hostsNixAttrPath());
    }

    @Test
    void hostNameThatIsANixKeyword_isQuotedInTheAttrPath() {
        assertEquals("\"in\".publicKey", IntegrationSnippets.of("in", EVE_KEY).hostsNixAttrPath());
        assertEquals("\"or\".publicKey", IntegrationSnippets.of("or", EVE_KEY).hostsNixAttrPath());
    }

    @Test
    void hostNameWithADot_isQuotedAndGetsAYamlSafeAnchor() {
        IntegrationSnippets snippets = IntegrationSnippets.of("web.lan", EVE_KEY);

        assertEquals("\"web.lan\".publicKey", snippets.hostsNixAttrPath());
        assertEquals("host_web_lan", snippets.sopsAnchor());
    }

    @Test
    void nixString_escapesQuotesBackslashesAndInterpolation() {
        assertEquals("\"a\\\"b\\\\c\\${d}$e\"", IntegrationSnippets.nixString("a\"b\\c${d}$e"));
    }

    @Test
    void unusableHostKey_isRejectedNamingTheHostAndTheFile() {
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> IntegrationSnippets.of("db", "ssh-rsa AAAAB3NzaC1yc2E root@db"));
        assertEquals("host db: /etc/ssh/ssh_host_ed25519_key.pub: host key is of type 'ssh-rsa', not ssh-ed25519:"
                + " an age recipient can only be derived from an ed25519 key", e.getMessage());
    }

    @Test
    void missingHostName_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IntegrationSnippets.of(" ", EVE_KEY));
        assertEquals("integration needs the host's name, got none", e.getMessage());
    }
}
