package dev.fleetplane.localstack.corpus;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the hostile-input corpus ({@code hostile-corpus/<kind>/}, see its README): one input file per case beside a
 * {@code <name>.expect} properties file with its expected outcome. The tests of each kind run every case against the
 * real component; this class only finds, expands and checks.
 */
public final class HostileCorpus {

    /** Words that only a stack trace or a leaked driver error carries; no answer to an outside input may hold one. */
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "at dev.fleetplane.", "at java.",
            "at io.quarkus", "PSQL", "SQLState", "org.postgresql", "java.lang.", "Caused by", "[Source:",
            "StreamReadConstraints");
    private static final Pattern REPEAT = Pattern.compile("\\$\\{REPEAT:(\\d+):([^}]*)}");

    /** One input and what must come of it. */
    public record Case(String kind, String name, Path input, Properties expect) {

        /** The input's bytes with every {@code ${REPEAT:n:text}} expanded (huge and deep inputs stay small in git). */
        public byte[] bytes() {
            try {
                return expand(Files.readAllBytes(input));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The input as text after {@link #bytes()} (ISO-8859-1, so that every byte survives as one char). */
        public String latin1() {
            return new String(bytes(), StandardCharsets.ISO_8859_1);
        }

        public String expect(String key) {
            String v = expect.getProperty(key);
            if (v == null) {
                throw new IllegalStateException(name + ".expect has no '" + key + "'");
            }
            return v;
        }

        public String expect(String key, String otherwise) {
            return expect.getProperty(key, otherwise);
        }

        /** The input file's extension, without the dot. */
        public String extension() {
            String f = input.getFileName().toString();
            return f.substring(f.lastIndexOf('.') + 1);
        }

        @Override
        public String toString() {
            return kind + "/" + input.getFileName();
        }
    }

    private HostileCorpus() {
    }

    /** The corpus directory: {@code hostile-corpus/} of the source tree, found from the working directory up. */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("hostile-corpus");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no hostile-corpus/ above " + Path.of("").toAbsolutePath());
    }

    /** Every case of {@code kind}, by name; fails when an input has no {@code .expect} or an expect no input. */
    public static List<Case> of(String kind) {
        Path dir = root().resolve(kind);
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (file.endsWith(".expect") || file.startsWith(".") || file.equals("README.md")) {
                    continue;
                }
                String name = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
                Path expectFile = dir.resolve(name + ".expect");
                if (!Files.isRegularFile(expectFile)) {
                    throw new IllegalStateException(kind + "/" + file + " has no " + name + ".expect");
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(expectFile, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                cases.add(new Case(kind, name, f, p));
            }
            try (Stream<Path> expects = Files.list(dir)) {
                for (Path e : expects.filter(x -> x.toString().endsWith(".expect")).toList()) {
                    String name = e.getFileName().toString().replaceFirst("\\.expect$", "");
                    if (cases.stream().noneMatch(c -> c.name().equals(name))) {
                        throw new IllegalStateException(kind + "/" + e.getFileName() + " has no input file");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (cases.isEmpty()) {
            throw new IllegalStateException("no cases in " + dir);
        }
        return cases;
    }

    /** {@code ${REPEAT:n:text}} → text n times; everything else byte for byte. */
    public static byte[] expand(byte[] raw) {
        String s = new String(raw, StandardCharsets.ISO_8859_1);
        Matcher m = REPEAT.matcher(s);
        if (!m.find()) {
            return raw;
        }
        StringBuilder out = new StringBuilder();
        m.reset();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code text} with each {@code ${NAME}} of {@code values} replaced. */
    public static String fill(String text, Map<String, String> values) {
        String out = text;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    /**
     * Fails when {@code answer} (a body, an error, a close reason, a DLQ reason) carries a stack trace, a driver's
     * words, or one of {@code secrets}.
     */
    public static void assertNoLeak(Case c, String answer, List<String> secrets) {
        if (answer == null) {
            return;
        }
        for (String leak : LEAKS) {
            if (answer.contains(leak)) {
                throw new AssertionError(c + ": the answer carries '" + leak.strip() + "': " + cut(answer));
            }
        }
        for (String secret : secrets) {
            if (!secret.isEmpty() && answer.contains(secret)) {
                throw new AssertionError(c + ": the answer carries a secret: " + cut(answer));
            }
        }
    }

    /** {@code answer} contains {@code expected}, or an error that says both. */
    public static void assertContains(Case c, String what, String answer, String expected) {
        if (answer == null || !answer.contains(expected)) {
            throw new AssertionError(c + ": " + what + " should contain '" + expected + "' but was: " + cut(answer));
        }
    }

    public static String cut(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 600 ? s.substring(0, 600) + "…(" + s.length() + " chars)" : s;
    }

    /** Prints the count of {@code kind} as the test ran it: one line a kind, for the issue's note. */
    public static void printCount(String kind, int n) {
        System.out.println("hostile-corpus: " + kind + " " + n + " inputs");
    }
}
