package dev.fleetplane.cli.hostsfile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a hosts.nix writes its hosts, read from its text so a new entry looks like its neighbours: the indentation
 * of a host, the expression most hosts give {@code user} (e.g. {@code admin}, a {@code let} binding), and the
 * helper most hosts build {@code proxmox} with ({@code proxmox = smallVm 111;}). Pure.
 *
 * @param indent         one level of indentation as the file uses it (two spaces when it has no host)
 * @param userExpression the most common {@code user = ...;} value as written, when hosts write one on one line
 * @param proxmoxHelper  the most common function in {@code proxmox = f VMID;}, when hosts use one
 */
public record HostsFileStyle(String indent, Optional<String> userExpression, Optional<String> proxmoxHelper) {

    private static final Pattern HELPER_CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_'-]*)\\s+\\d+");

    public static HostsFileStyle of(NixText nix) throws NixText.UnreadableException {
        List<NixText.Binding> top = nix.topLevelBindings();
        String indent = null;
        List<String> users = new ArrayList<>();
        List<String> helpers = new ArrayList<>();
        for (NixText.Binding b : top) {
            if (b.name().startsWith("_") || b.path().size() != 1) {
                continue;
            }
            if (indent == null) {
                String lead = nix.text().substring(nix.lineStart(b.start()), b.start());
                if (lead.isBlank() && !lead.isEmpty()) {
                    indent = lead;
                }
            }
            for (NixText.Binding inner : nix.innerBindings(b)) {
                if (inner.path().size() != 1) {
                    continue;
                }
                String value = nix.valueText(inner);
                if (value.contains("\n")) {
                    continue;
                }
                if (inner.name().equals("user")) {
                    users.add(value);
                } else if (inner.name().equals("proxmox")) {
                    Matcher m = HELPER_CALL.matcher(value);
                    if (m.matches()) {
                        helpers.add(m.group(1));
                    }
                }
            }
        }
        return new HostsFileStyle(indent == null ? "  " : indent, mostCommon(users),
                mostCommon(helpers));
    }

    /** The most frequent value; on a tie the one written first. */
    static <T> Optional<T> mostCommon(List<T> values) {
        Map<T, Integer> count = new HashMap<>();
        values.forEach(v -> count.merge(v, 1, Integer::sum));
        return values.stream().distinct().max(Comparator.comparingInt((T v) -> count.get(v))
                .thenComparing(v -> -values.indexOf(v)));
    }
}
