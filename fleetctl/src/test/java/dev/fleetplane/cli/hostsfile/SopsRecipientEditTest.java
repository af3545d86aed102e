package dev.fleetplane.cli.hostsfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SopsRecipientEditTest {

    static final String AGE = "age1fleetplanetestrecipientweb000000000000000000000000000000000";
    static final Set<String> HOSTS = Set.of("web", "db", "dev", "laptop");

    static SopsRecipientEdit.Edit edit(String yaml) {
        SopsRecipientEdit.Result r = SopsRecipientEdit.of(yaml, ".sops.yaml", "web", HOSTS, AGE);
        return assertInstanceOf(SopsRecipientEdit.Edit.class, r, r::toString);
    }

    static String after(String yaml) {
        return FileChange.of(".sops.yaml", yaml, edit(yaml).edits()).after();
    }

    @Test
    void keysSection_getsTheAnchor_andSharedRulesWithHostsGetTheReference_otherHostsRulesNot() {
        String yaml = """
                # fleet secrets
                keys:
                  - &admin age1admin000000000000000000000000000000000000000000000000000
                  - &host_db age1db0000000000000000000000000000000000000000000000000000000
                  - &host_dev age1dev000000000000000000000000000000000000000000000000000000
                creation_rules:
                  - path_regex: secrets/common\\.yaml$
                    key_groups:
                    - age:
                      - *admin
                      - *host_db
                      - *host_dev
                  - path_regex: hosts/db/secrets\\.yaml$
                    key_groups:
                    - age:
                      - *admin
                      - *host_db
                  - path_regex: hosts/web/secrets\\.yaml$
                    key_groups:
                    - age:
                      - *admin
                  - path_regex: admin/.*
                    key_groups:
                    - age:
                      - *admin
                """;
        SopsRecipientEdit.Edit e = edit(yaml);
        assertEquals(List.of("secrets/common\\.yaml$", "hosts/web/secrets\\.yaml$"), e.rules());
        assertTrue(e.notes().contains("creation rule hosts/db/secrets\\.yaml$ is about host db: left alone"), e.notes().toString());
        String expected = yaml
                .replace("  - &host_dev age1dev000000000000000000000000000000000000000000000000000000\n",
                        "  - &host_dev age1dev000000000000000000000000000000000000000000000000000000\n  - &host_web " + AGE + "\n")
                .replace("      - *host_dev\n", "      - *host_dev\n      - *host_web\n")
                .replace("  - path_regex: hosts/web/secrets\\.yaml$\n    key_groups:\n    - age:\n      - *admin\n",
                        "  - path_regex: hosts/web/secrets\\.yaml$\n    key_groups:\n    - age:\n      - *admin\n      - *host_web\n");
        String once = after(yaml);
        assertEquals(expected, once);
        assertEquals(List.of(), edit(once).edits(), "a second run changes nothing");
    }

    @Test
    void aFileWithoutKeys_definesTheAnchorInline_asItsHostsAre_namedAndCommentedLikeThem() {
        String yaml = """
                ---
                creation_rules:
                  # path should be relative to the location of this file (.sops.yaml)
                  - path_regex: secrets/.*
                    key_groups:
                      - age:
                          - age1master00000000000000000000000000000000000000000000000000 # Master Fleet Identity
                          - &dev age1dev000000000000000000000000000000000000000000000000000000 # dev
                """;
        String once = after(yaml);
        assertEquals(yaml + "          - &web " + AGE + " # web\n", once);
        assertEquals(List.of(), edit(once).edits());
    }

    @Test
    void anAnchorWithAnotherRecipient_getsTheNewOne() {
        String yaml = """
                keys:
                  - &host_web age1oldkey00000000000000000000000000000000000000000000000000000 # re-created
                  - &host_db age1db0000000000000000000000000000000000000000000000000000000
                creation_rules:
                  - path_regex: secrets/.*
                    key_groups:
                    - age:
                      - *host_db
                      - *host_web
                """;
        SopsRecipientEdit.Edit e = edit(yaml);
        assertEquals(yaml.replace("age1oldkey00000000000000000000000000000000000000000000000000000", AGE), after(yaml));
        assertTrue(e.notes().get(e.notes().size() - 1).contains("replaced (the host has a new key)"), e.notes().toString());
    }

    @Test
    void notYaml_orNoCreationRules_isRefusedNamingTheFile() {
        String broken = SopsRecipientEdit.of("keys:\n  - &a age1x\n creation_rules: [\n", ".sops.yaml", "web", HOSTS, AGE)
                .toString();
        assertTrue(broken.contains(".sops.yaml is not valid YAML"), broken);
        assertTrue(broken.contains("line "), broken);
        String none = assertInstanceOf(SopsRecipientEdit.Refused.class,
                SopsRecipientEdit.of("keys:\n  - &a age1x\n", ".sops.yaml", "web", HOSTS, AGE)).problem();
        assertTrue(none.startsWith(".sops.yaml has no creation_rules"), none);
    }

    @Test
    void anchorNames_followTheFile() {
        assertEquals("host_web", SopsRecipientEdit.anchorName("web", HOSTS, Set.of("admin", "host_db")));
        assertEquals("web", SopsRecipientEdit.anchorName("web", HOSTS, Set.of("admin", "db")));
        assertEquals("host_web", SopsRecipientEdit.anchorName("web", HOSTS, Set.of("admin")));
        assertEquals("web", SopsRecipientEdit.anchorName("web", HOSTS, Set.of("web", "host_db")));
    }
}
