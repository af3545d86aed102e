package dev.fleetplane.templates.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which templates of one name to delete, pure: the newest {@code keep} stay; of the older ones, those that no VM was
 * cloned from within {@code unusedFor} (counting their own ready time as a use), that no existing VM came from, and
 * that are not the one promoted last.
 */
public final class Retention {

    private Retention() {
    }

    public static List<TemplateRow> doomed(List<TemplateRow> templates, int keep, Duration unusedFor, Instant now) {
        List<TemplateRow> live = new ArrayList<>(templates.stream()
                .filter(t -> t.deletedAt() == null && !t.deleting()).toList());
        live.sort(Comparator.comparing(TemplateRow::readyAt).reversed());
        TemplateRow promoted = live.stream().filter(t -> t.promotedAt() != null)
                .max(Comparator.comparing(TemplateRow::promotedAt)).orElse(null);
        Instant cutoff = now.minus(unusedFor);
        List<TemplateRow> out = new ArrayList<>();
        for (int i = Math.max(0, keep); i < live.size(); i++) {
            TemplateRow t = live.get(i);
            Instant lastUse = t.lastCloned() != null && t.lastCloned().isAfter(t.readyAt()) ? t.lastCloned() : t.readyAt();
            if (t != promoted && t.inUse() == 0 && lastUse.isBefore(cutoff)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Why {@code t} goes, for TemplateDeleted. */
    public static String reason(TemplateRow t, int keep, Duration unusedFor) {
        return "older than the newest " + keep + " templates of " + t.name() + ", no VM cloned from it within "
                + unusedFor + " and none left that came from it";
    }
}
