package dev.fleetplane.pvesim.guest;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes the simulator's directories (its work dir, a guest's root) while guests may still be going away: an sshd
 * that exits removes its own pid file and sockets during the walk. A file that vanished is what we wanted, so the walk
 * goes on past it (a {@code Files.walk} stream would end with an unchecked exception there and leave the rest behind).
 */
public final class FileTrees {

    private static final Logger LOG = Logger.getLogger(FileTrees.class.getName());
    private static final int PASSES = 3;

    private FileTrees() {
    }

    /** Deletes {@code dir} and everything under it, symbolic links not followed; what cannot go is logged. */
    public static void deleteTree(Path dir) {
        for (int pass = 1; pass <= PASSES && Files.exists(dir, LinkOption.NOFOLLOW_LINKS); pass++) {
            try {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                        Files.deleteIfExists(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (NoSuchFileException gone) {
                // removed under us: the next pass (if the directory is still there) finishes it
            } catch (IOException e) {
                // a directory that filled again while it was emptied (a guest still exiting): the next pass
                Level level = pass == PASSES ? Level.WARNING : Level.FINE;
                LOG.log(level, "cannot delete " + dir + " (pass " + pass + " of " + PASSES + "): " + e);
            }
        }
    }
}
