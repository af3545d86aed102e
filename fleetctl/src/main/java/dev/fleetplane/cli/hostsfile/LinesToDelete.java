package dev.fleetplane.cli.hostsfile;

import java.util.List;

/**
 * Lines of a file that removing a host means deleting, each with its 1-based number and why.
 *
 * @param lines    the lines to delete, in file order
 * @param warnings what needs a person's eye (a line that holds more than the host, a comment above it)
 */
public record LinesToDelete(List<Line> lines, List<String> warnings) {

    /** One line: its number, its text as in the file, and what it is. */
    public record Line(int number, String text, String why) {
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }
}
