package dev.fleetplane.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout these tests read: deploy-tests runs with {@code deploy/} as its working directory. */
final class Checkout {

    private Checkout() {
    }

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fleet-events")) && Files.isDirectory(p.resolve("deploy"))) {
                return p;
            }
        }
        throw new IllegalStateException("no fleetplane checkout (a folder with fleet-events/ and deploy/) above " + here);
    }

    static Path deploy(String relative) {
        Path file = root().resolve("deploy").resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException("deploy/" + relative + " is missing");
        }
        return file;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
