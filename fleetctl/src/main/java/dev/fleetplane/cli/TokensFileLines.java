package dev.fleetplane.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Edits the services' tokens file (docs/access.md: {@code <name> <roles,comma> <sha256> [hosts=..] [expires=..]} a
 * line) line by line, keeping every other line, comment and blank as it was: what {@code fleetplane token} and
 * {@code up} write. The services' own reader (fleet-messaging {@code TokensFile}) is the authority; the checks here
 * mirror its rules so that a bad entry is refused before it is written, not when a service re-reads the file.
 */
final class TokensFileLines {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    static final Pattern GLOB = Pattern.compile("[A-Za-z0-9*?][A-Za-z0-9.*?_-]{0,62}");
    static final List<String> ROLES = List.of("ci", "operator", "viewer", "console");

    /** One entry as {@code token list} shows it: never its hash. */
    record Entry(String name, List<String> roles, List<String> hosts, Optional<Instant> expires) {

        boolean expiredAt(Instant now) {
            return expires.isPresent() && !now.isBefore(expires.get());
        }
    }

    private TokensFileLines() {
    }

    /** The line of a new entry; each part checked as the services check it. */
    static String line(String name, List<String> roles, List<String> hosts, Optional<Instant> expires, String sha256Hex) {
        if (!NAME.matcher(name).matches()) {
            throw new CliException("token name '" + name + "' must be 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        if (roles.isEmpty()) {
            throw new CliException("a token needs a role: " + String.join(", ", ROLES));
        }
        for (String r : roles) {
            if (!ROLES.contains(r)) {
                throw new CliException("unknown role '" + r + "'; roles are " + String.join(", ", ROLES));
            }
        }
        for (String g : hosts) {
            if (!GLOB.matcher(g).matches()) {
                throw new CliException("'" + g + "' is not a host glob (letters, digits, '.', '_', '-', '*' and '?', "
                        + "at most 63)");
            }
        }
        return name + " " + String.join(",", roles) + " " + sha256Hex
                + (hosts.isEmpty() ? "" : " hosts=" + String.join(",", hosts))
                + expires.map(e -> " expires=" + e).orElse("");
    }

    /** Roles as written on the command line ({@code viewer,ci}), lower-cased. */
    static List<String> roles(String csv) {
        List<String> out = new ArrayList<>();
        for (String r : csv.split(",")) {
            String role = r.strip().toLowerCase(Locale.ROOT);
            if (!role.isEmpty() && !out.contains(role)) {
                out.add(role);
            }
        }
        return out;
    }

    /** {@code 2027-01-31} (the start of that day, UTC, as the services read it) or an ISO-8601 time with offset. */
    static Instant expiry(String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new CliException("--expires must be a date (2027-01-31) or a time with offset (2027-01-31T12:00:00Z), "
                    + "got '" + value + "'");
        }
    }

    /** The entries of {@code text}; {@code where} names the file in an error about a line. */
    static List<Entry> entries(String where, String text) {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String[] f = fields(lines[i]);
            if (f == null) {
                continue;
            }
            if (f.length < 3) {
                throw new CliException(where + " line " + (i + 1) + ": expected '<name> <roles,comma> <token sha256>'");
            }
            List<String> hosts = List.of();
            Optional<Instant> expires = Optional.empty();
            for (int k = 3; k < f.length; k++) {
                if (f[k].startsWith("hosts=")) {
                    hosts = List.of(f[k].substring(6).split(","));
                } else if (f[k].startsWith("expires=")) {
                    try {
                        expires = Optional.of(expiry(f[k].substring(8)));
                    } catch (CliException e) {
                        throw new CliException(where + " line " + (i + 1) + ": token " + f[0] + "'s expires is not a "
                                + "date or time");
                    }
                }
            }
            out.add(new Entry(f[0], roles(f[1]), hosts, expires));
        }
        return out;
    }

    /** {@code text} with {@code line} in place of the entry named {@code name} (appended when there is none). */
    static String withLine(String text, String name, String line) {
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        for (String l : body(text)) {
            String[] f = fields(l);
            if (f != null && f[0].equals(name)) {
                if (!replaced) {
                    out.add(line);
                    replaced = true;
                }
            } else {
                out.add(l);
            }
        }
        if (!replaced) {
            out.add(line);
        }
        return String.join("\n", out) + "\n";
    }

    /** {@code text} with the entries carrying {@code sha256Hex} under another name than {@code name} removed. */
    static String withoutHash(String text, String name, String sha256Hex) {
        List<String> out = new ArrayList<>();
        for (String l : body(text)) {
            String[] f = fields(l);
            if (f == null || f.length < 3 || f[0].equals(name) || !f[2].equalsIgnoreCase(sha256Hex)) {
                out.add(l);
            }
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }

    /** {@code text} without the entry named {@code name}; a CliException when there is none. */
    static String without(String where, String text, String name) {
        List<String> out = new ArrayList<>();
        boolean found = false;
        for (String l : body(text)) {
            String[] f = fields(l);
            if (f != null && f[0].equals(name)) {
                found = true;
            } else {
                out.add(l);
            }
        }
        if (!found) {
            throw new CliException(where + " has no token " + name + " (its tokens: " + String.join(", ",
                    entries(where, text).stream().map(Entry::name).toList()) + ")");
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }

    /** Whether {@code text} has an entry named {@code name}. */
    static boolean has(String text, String name) {
        return body(text).stream().map(TokensFileLines::fields).anyMatch(f -> f != null && f[0].equals(name));
    }

    /** The file's text, or empty when it does not exist. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new CliException("cannot read the tokens file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Written to a private (0600) temporary file beside {@code file}, then moved over it: never readable by others. */
    static void writePrivate(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The lines of {@code text} without the one empty string a final newline leaves. */
    private static List<String> body(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** The blank-separated fields of an entry line; null for a blank line or a comment. */
    private static String[] fields(String line) {
        String l = line.strip();
        return l.isEmpty() || l.startsWith("#") ? null : l.split("\\s+");
    }
}
