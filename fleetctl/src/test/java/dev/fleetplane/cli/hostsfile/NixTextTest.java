package dev.fleetplane.cli.hostsfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NixTextTest {

    static String example() throws Exception {
        return Files.readString(Path.of("../examples/hosts.nix"));
    }

    private static List<String> names(NixText nix) throws Exception {
        return nix.topLevelBindings().stream().map(b -> String.join(".", b.path())).toList();
    }

    @Test
    void topLevelBindings_ofTheExample_areItsSettingsAndHosts_notTheLetBindings() throws Exception {
        assertEquals(List.of("_proxmox", "_fleetplane", "dev", "web", "db", "laptop"), names(NixText.of(example())));
    }

    @Test
    void bracesInCommentsAndStrings_doNotCount() throws Exception {
        String src = """
                # a comment with { an open brace
                {
                  /* block } comment { */
                  a = { description = "has } and { and \\" and ${ "x}" }"; };
                  b = ''
                    indented } string ''${ not interpolated } and '''
                  '';
                  "quoted-name" = 1; # trailing }
                  c.d = [ "]" ];
                }
                """;
        NixText nix = NixText.of(src);
        assertEquals(List.of("a", "b", "quoted-name", "c.d"), names(nix));
        int[] set = nix.topLevelSet().orElseThrow();
        assertEquals(src.indexOf("{\n  /*"), set[0]);
        assertEquals(src.lastIndexOf('}'), set[1]);
    }

    @Test
    void aFunctionFile_hasItsBodyAsTheTopLevelSet() throws Exception {
        NixText nix = NixText.of("{ lib ? null, ... }:\nlet x = { y = 1; }; in {\n  web = x;\n}\n");
        assertEquals(List.of("web"), names(nix));
    }

    @Test
    void identifiersWithQuotes_areNotIndentedStrings() throws Exception {
        NixText nix = NixText.of("let f' = 1; g'' = 2; in { a = f' + g''; b = 3; }");
        assertEquals(List.of("a", "b"), names(nix));
    }

    @Test
    void inherit_isNotABinding() throws Exception {
        assertEquals(List.of("b"), names(NixText.of("let a = 1; in { inherit a; b = 2; }")));
    }

    @Test
    void unterminatedStringsAndUnbalancedBrackets_nameTheLine() {
        var e = assertThrows(NixText.UnreadableException.class, () -> NixText.of("{\n  a = \"open;\n}\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        e = assertThrows(NixText.UnreadableException.class, () -> NixText.of("{\n  a = { b = 1;\n}\n"));
        assertTrue(e.getMessage().contains("line 1") || e.getMessage().contains("line 2"), e.getMessage());
        e = assertThrows(NixText.UnreadableException.class, () -> NixText.of("{ a = 1; }\n]"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aFileThatDoesNotEndWithASet_hasNoTopLevelSet() throws Exception {
        assertTrue(NixText.of("import ./other.nix").topLevelSet().isEmpty());
    }
}
