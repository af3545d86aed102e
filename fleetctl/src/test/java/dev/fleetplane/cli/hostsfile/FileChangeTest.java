package dev.fleetplane.cli.hostsfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileChangeTest {

    static final String TEXT = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n";

    @Test
    void anInsertion_isAUnifiedDiffWithThreeLinesOfContext() {
        FileChange c = FileChange.of("hosts.nix", TEXT, List.of(LineEdit.insertBefore(4, List.of("new"))));
        assertEquals("a\nb\nc\nd\nnew\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n", c.after());
        assertEquals("""
                --- a/hosts.nix
                +++ b/hosts.nix
                @@ -2,6 +2,7 @@
                 b
                 c
                 d
                +new
                 e
                 f
                 g
                """, c.diff());
    }

    @Test
    void farApartEdits_areTwoHunks_nearOnesOne() {
        FileChange far = FileChange.of("f", TEXT, List.of(new LineEdit(0, 1, List.of("A")),
                new LineEdit(13, 1, List.of("N"))));
        assertEquals("""
                --- a/f
                +++ b/f
                @@ -1,4 +1,4 @@
                -a
                +A
                 b
                 c
                 d
                @@ -11,4 +11,4 @@
                 k
                 l
                 m
                -n
                +N
                """, far.diff());
        FileChange near = FileChange.of("f", TEXT, List.of(new LineEdit(2, 1, List.of("C")),
                LineEdit.insertBefore(7, List.of("x"))));
        assertEquals(1, near.diff().split("@@ -").length - 1, near.diff());
    }

    @Test
    void replacingPartOfALine_keepsTheRestOfIt_andNoChangeIsAnEmptyDiff() {
        String text = "  publicKey = \"old\"; # pasted\nnext\n";
        int from = text.indexOf('"');
        FileChange c = FileChange.of("h", text, List.of(LineEdit.replacing(text, from, text.indexOf(';'), "\"new\"")));
        assertEquals("  publicKey = \"new\"; # pasted\nnext\n", c.after());
        FileChange none = FileChange.of("h", text, List.of());
        assertFalse(none.changes());
        assertEquals("", none.diff());
    }
}
