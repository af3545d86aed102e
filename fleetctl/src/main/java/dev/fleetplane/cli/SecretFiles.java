package dev.fleetplane.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The sops-encrypted files under {@code .sops.yaml}'s directory that creation rules match: what
 * {@code sops updatekeys} must re-encrypt after a recipient was added. A rule's {@code path_regex} is matched as sops
 * does (Go's unanchored {@code MatchString}) against the path relative to that directory; a file counts only when it
 * carries sops metadata.
 */
final class SecretFiles {

    private static final Set<String> SKIPPED = Set.of(".git", "node_modules", "result", "target");
    private static final long MAX_BYTES = 4L << 20;

    private SecretFiles() {
    }

    /** Relative paths, sorted. */
    static List<String> matching(Path dir, List<String> pathRegexes) {
        List<Pattern> rules = new ArrayList<>();
        for (String r : pathRegexes) {
            try {
                rules.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new CliException("path_regex " + r + " in " + dir.resolve(".sops.yaml") + " is not a regular"
                        + " expression Java reads (" + e.getDescription() + "): run sops updatekeys by hand");
            }
        }
        List<String> out = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return !d.equals(dir) && SKIPPED.contains(d.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    String relative = dir.relativize(f).toString().replace('\\', '/');
                    if (attrs.isRegularFile() && !relative.equals(".sops.yaml") && attrs.size() < MAX_BYTES
                            && rules.stream().anyMatch(p -> p.matcher(relative).find()) && encrypted(f)) {
                        out.add(relative);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CliException("cannot list the secrets under " + dir + ": " + e.getMessage(), e);
        }
        out.sort(String::compareTo);
        return out;
    }

    /** sops metadata as each of its formats writes it (YAML, JSON, dotenv, INI). */
    private static boolean encrypted(Path f) throws IOException {
        String text;
        try {
            text = Files.readString(f);
        } catch (java.nio.charset.MalformedInputException e) {
            return false;
        }
        return text.contains("\nsops:") || text.startsWith("sops:") || text.contains("\"sops\":")
                || text.contains("sops_version=") || text.contains("[sops]");
    }
}
