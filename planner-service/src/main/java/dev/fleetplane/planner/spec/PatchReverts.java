package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which host patches a whole hosts file undoes: a patch made a spec version that hosts.nix does not contain, so
 * the next push of a file without it would silently take it back. Pure.
 *
 * <p>Only the newest patch of an attribute counts (a later patch of the same attribute, or one removing the whole
 * host, supersedes it). A patch is kept when the pushed file has the patched value (someone committed it, e.g. with
 * {@code fleetplane spec export}); otherwise it is reverted.
 */
public final class PatchReverts {

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a instanceof NumericNode x && b instanceof NumericNode y) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private PatchReverts() {
    }

    /**
     * @param pushed  the evaluated spec of the file being pushed
     * @param pending the patches hosts.nix may not have yet, oldest first
     */
    public static List<RevertedPatch> of(JsonNode pushed, List<RecordedPatch> pending) {
        List<RevertedPatch> out = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            RecordedPatch p = pending.get(i);
            if (supersededLater(p, pending.subList(i + 1, pending.size()))) {
                continue;
            }
            JsonNode now = p.change().in(pushed);
            if (!same(now, p.change().after())) {
                out.add(new RevertedPatch(p, now));
            }
        }
        return List.copyOf(out);
    }

    private static boolean supersededLater(RecordedPatch p, List<RecordedPatch> later) {
        for (RecordedPatch q : later) {
            PatchedValue a = p.change();
            PatchedValue b = q.change();
            if (a.host().equals(b.host()) && (b.path().isEmpty() || a.path().equals(b.path())
                    || a.path().startsWith(b.path() + "."))) {
                return true;
            }
        }
        return false;
    }

    /** Equal JSON values, numbers by value ({@code 8192} read as an int or a long is the same). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        return a.equals(NUMBERS_BY_VALUE, b);
    }
}
