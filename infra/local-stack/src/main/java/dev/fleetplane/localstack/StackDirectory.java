package dev.fleetplane.localstack;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directory a stack owns: made fresh on start (a previous stack's leftovers are cleared) and removed on close, or,
 * for a persistent stack, reused as found.
 */
final class StackDirectory {

    /** Written into every stack directory, so that only a stack's own leftovers are ever cleared. */
    static final String MARKER = ".fleetplane-local-stack";
    private static final Set<PosixFilePermission> TRAVERSABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    private StackDirectory() {
    }

    static Path prepare(Optional<Path> requested, boolean persistent) {
        try {
            Path dir;
            if (requested.isEmpty()) {
                dir = Files.createTempDirectory("fleetplane-stack-");
            } else {
                dir = requested.get();
                if (Files.exists(dir) && !Files.isDirectory(dir)) {
                    throw new LocalStackException("work dir " + dir + " is a file, not a directory");
                }
                if (Files.isDirectory(dir) && !isEmpty(dir)) {
                    if (!Files.exists(dir.resolve(MARKER))) {
                        throw new LocalStackException("work dir " + dir + " is not empty and was not made by a local"
                                + " stack (no " + MARKER + "); give a new or empty directory");
                    }
                    if (!persistent) {
                        clearContents(dir);
                    }
                }
                Files.createDirectories(dir);
            }
            // As root, PostgreSQL runs as user postgres, who must be able to walk into the directory.
            Files.setPosixFilePermissions(dir, TRAVERSABLE);
            Files.writeString(dir.resolve(MARKER), persistent
                    ? "owned by a fleetplane local stack; its Kafka and PostgreSQL data live here and are kept\n"
                    : "owned by a fleetplane local stack; deleted when it closes\n");
            return dir;
        } catch (IOException e) {
            throw new LocalStackException("cannot prepare the work dir: " + e.getMessage(), e);
        }
    }

    /** True when every directory from the root down to {@code dir} lets other users pass through. */
    static boolean reachableByOthers(Path dir) {
        try {
            for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            clearContents(dir);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new LocalStackException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void clearContents(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // vanished meanwhile (a socket, a pid file)
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (!d.equals(dir)) {
                    Files.deleteIfExists(d);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
