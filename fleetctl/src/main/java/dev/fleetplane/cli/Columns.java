package dev.fleetplane.cli;

import java.util.List;

/** Plain-text tables for the terminal: every column as wide as its widest cell plus two spaces, the last unpadded. */
final class Columns {

    private Columns() {
    }

    /** {@code rows} (the header first) as aligned lines, each ending in a line separator. */
    static String align(List<List<String>> rows) {
        int[] width = new int[rows.stream().mapToInt(List::size).max().orElse(0)];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (width[i] + 2) + "s", r.get(i)));
            }
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
