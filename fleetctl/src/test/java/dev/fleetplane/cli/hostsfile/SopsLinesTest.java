package dev.fleetplane.cli.hostsfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SopsLinesTest {

    static final String SOPS = """
            keys:
              - &admin age1adminxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
              - &web age1webxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
              - &web2 age1web2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
            creation_rules:
              - path_regex: hosts/web/secrets\\.yaml$
                key_groups:
                  - age:
                      - *admin
                      - *web
              - path_regex: secrets/[^/]+\\.yaml$
                key_groups:
                  - age:
                      - *admin
                      - *web   # the web server reads the shared secrets
                      - *web2
            """;

    @Test
    void find_theAnchorTheRuleForItsDirectoryAndEveryOtherReference() {
        LinesToDelete lines = SopsLines.find(SOPS, "web");
        assertEquals(List.of(3, 6, 7, 8, 9, 10, 15), lines.lines().stream().map(LinesToDelete.Line::number).toList());
        assertEquals("age key of web", lines.lines().get(0).why());
        assertEquals("creation rule for hosts/web/", lines.lines().get(1).why());
        assertEquals("reference to web's key", lines.lines().get(6).why());
        assertTrue(lines.warnings().isEmpty(), lines.warnings().toString());
    }

    @Test
    void find_matchesWholeNamesOnly() {
        LinesToDelete lines = SopsLines.find(SOPS, "web2");
        assertEquals(List.of(4, 16), lines.lines().stream().map(LinesToDelete.Line::number).toList());
    }

    @Test
    void find_aReferenceInAFlowList_warns() {
        LinesToDelete lines = SopsLines.find("creation_rules:\n  - age: [*admin, *db]\n", "db");
        assertEquals(List.of(2), lines.lines().stream().map(LinesToDelete.Line::number).toList());
        assertTrue(lines.warnings().get(0).contains("edit by hand"));
    }

    @Test
    void find_theHostPrefixedAnchor_asIntegrateWritesIt() {
        String sops = """
                keys:
                  - &admin age1adminxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
                  - &host_web age1webxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
                  - &host_web2 age1web2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
                creation_rules:
                  - path_regex: secrets/[^/]+\\.yaml$
                    key_groups:
                      - age:
                          - *admin
                          - *host_web
                          - *host_web2
                """;
        LinesToDelete lines = SopsLines.find(sops, "web");
        assertEquals(List.of(3, 10), lines.lines().stream().map(LinesToDelete.Line::number).toList());
    }

    @Test
    void find_aHostNamedNowhere_isEmpty() {
        assertTrue(SopsLines.find(SOPS, "db").isEmpty());
    }
}
