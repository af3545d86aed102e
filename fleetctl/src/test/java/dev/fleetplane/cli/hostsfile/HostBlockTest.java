package dev.fleetplane.cli.hostsfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostBlockTest {

    private static List<Integer> numbers(LinesToDelete lines) {
        return lines.lines().stream().map(LinesToDelete.Line::number).toList();
    }

    @Test
    void find_inTheExample_isTheWholeBlockByBraces() throws Exception {
        String src = NixTextTest.example();
        LinesToDelete web = HostBlock.find(NixText.of(src), "web");
        String[] lines = src.split("\n");
        int first = List.of(lines).indexOf("  web = {") + 1;
        assertEquals(List.of(first, first + 1, first + 2, first + 3, first + 4, first + 5), numbers(web));
        assertEquals("  };", web.lines().get(5).text());
        assertTrue(web.warnings().isEmpty(), web.warnings().toString());
    }

    @Test
    void find_theImportedHost_notesTheCommentAboveIt() throws Exception {
        LinesToDelete dev = HostBlock.find(NixText.of(NixTextTest.example()), "dev");
        assertEquals("  dev = {", dev.lines().get(0).text());
        assertEquals("  };", dev.lines().get(dev.lines().size() - 1).text());
        assertTrue(dev.warnings().get(0).contains("above it may be about dev"), dev.warnings().toString());
    }

    @Test
    void find_ignoresBracesInStrings_andFindsDottedAndQuotedBindings() throws Exception {
        String src = """
                {
                  web = {
                    description = "}; db = {";
                  };
                  "db" = { user = "x"; };
                  db.proxmox = {
                    vmid = 112;
                  };
                  dbx = { };
                }
                """;
        assertEquals(List.of(2, 3, 4), numbers(HostBlock.find(NixText.of(src), "web")));
        assertEquals(List.of(5, 6, 7, 8), numbers(HostBlock.find(NixText.of(src), "db")));
    }

    @Test
    void find_aBindingSharingItsLine_warns() throws Exception {
        LinesToDelete web = HostBlock.find(NixText.of("{\n  web = { }; db = { };\n}\n"), "web");
        assertEquals(List.of(2), numbers(web));
        assertTrue(web.warnings().get(0).contains("after its ';'"), web.warnings().toString());
    }

    @Test
    void find_anUnknownHost_isEmpty() throws Exception {
        assertTrue(HostBlock.find(NixText.of(NixTextTest.example()), "nope").isEmpty());
    }
}
