package dev.fleetplane.cli.hostsfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class EntryInsertionTest {

    private static final HostEntry CI = new HostEntry("ci", "ops", Optional.empty(), 113, 2, 4096, "32G",
            Optional.empty());

    @Test
    void render_writesHostnameConfigurationFileUserAndProxmox() {
        assertEquals("""
                  ci = {
                    hostname = "ci";
                    configurationFile = ./hosts/ci/configuration.nix;
                    user = "ops";
                    proxmox = {
                      vmid = 113;
                      cores = 2;
                      memory = 4096; # MB
                      disk = "32G";
                    };
                  };
                """, CI.render("  "));
    }

    @Test
    void render_usesTheFilesUserExpressionAndHelper() {
        assertEquals("""
                    ci = {
                        hostname = "ci";
                        configurationFile = ./hosts/ci/configuration.nix;
                        user = admin;
                        proxmox = smallVm 113;
                    };
                """, CI.withUserExpression(Optional.of("admin")).withProxmoxHelper(Optional.of("smallVm")).render("    "));
    }

    @Test
    void style_ofTheExample_isTwoSpacesTheAdminBindingAndSmallVm() throws Exception {
        HostsFileStyle style = HostsFileStyle.of(NixText.of(NixTextTest.example()));
        assertEquals(new HostsFileStyle("  ", Optional.of("admin"), Optional.of("smallVm")), style);
    }

    @Test
    void insert_intoTheExample_goesAfterTheLastHostBeforeTheClosingBrace() throws Exception {
        String src = NixTextTest.example();
        String out = EntryInsertion.insert(NixText.of(src), CI.render("  "));
        assertTrue(out.endsWith("    user = admin;\n  };\n\n" + CI.render("  ") + "}\n"), out);
        assertEquals(src, out.replace("\n" + CI.render("  "), ""));
    }

    @Test
    void insert_intoLetIn_withBracesInCommentsAndStrings_findsTheRealClosingBrace() throws Exception {
        String src = """
                let
                  x = { a = 1; };
                in
                {
                  web = {
                    description = "closes } here";
                    user = "ops";
                  };
                  # a stray } in a comment
                }
                # trailing comment {
                """;
        String out = EntryInsertion.insert(NixText.of(src), CI.render("  "));
        assertEquals(src.replace("  # a stray } in a comment\n", "  # a stray } in a comment\n\n" + CI.render("  ")),
                out);
        assertTrue(NixText.of(out).topLevelBindings().stream().anyMatch(b -> b.name().equals("ci")));
    }

    @Test
    void insert_intoAOneLineSet_putsTheEntryOnItsOwnLines() throws Exception {
        String out = EntryInsertion.insert(NixText.of("{ web = { user = \"}\"; }; }"), CI.render("  "));
        assertEquals("{ web = { user = \"}\"; };\n" + CI.render("  ") + "}", out);
    }

    @Test
    void insert_intoAnEmptySet_addsNoBlankLine() throws Exception {
        assertEquals("{\n" + CI.render("  ") + "}\n", EntryInsertion.insert(NixText.of("{\n}\n"), CI.render("  ")));
    }
}
