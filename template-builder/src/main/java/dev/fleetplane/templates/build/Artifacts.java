package dev.fleetplane.templates.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the one artefact a build left in its directory: a VMA ({@code .vma}, {@code .vma.zst}, {@code .vma.lzo},
 * {@code .vma.gz}) for the sftp route, a {@code .qcow2} for the api route. {@code nix build} and
 * {@code nixos-rebuild build-image} leave a {@code result} symlink into the store, so links are followed.
 */
public final class Artifacts {

    private static final int DEPTH = 4;

    private Artifacts() {
    }

    public static boolean fits(String route, String fileName) {
        String n = fileName.toLowerCase();
        return "api".equals(route) ? n.endsWith(".qcow2")
                : n.endsWith(".vma") || n.endsWith(".vma.zst") || n.endsWith(".vma.lzo") || n.endsWith(".vma.gz");
    }

    public static String wanted(String route) {
        return "api".equals(route) ? "a .qcow2 image" : "a VMA archive (.vma, .vma.zst, .vma.lzo, .vma.gz)";
    }

    /** The artefact, or an exception naming what was expected and what the directory holds instead. */
    public static Path find(Path dir, String route) throws IOException {
        Set<Path> found = new TreeSet<>();
        Set<String> others = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(dir, DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                if (fits(route, p.getFileName().toString())) {
                    found.add(real(p));
                } else if (others.size() < 10) {
                    others.add(dir.relativize(p).toString());
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (found.size() == 1) {
            return found.iterator().next();
        }
        if (found.isEmpty()) {
            throw new IOException("the build left no " + wanted(route) + " in " + dir
                    + (others.isEmpty() ? " (it is empty)" : "; it holds " + String.join(", ", others)));
        }
        throw new IOException("the build left " + found.size() + " candidates for " + wanted(route) + " in " + dir
                + ": " + String.join(", ", found.stream().map(Path::toString).toList()) + "; exactly one is expected");
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
