package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.NixEvaluationException;
import dev.fleetplane.plancore.spec.NixEvaluator;
import dev.fleetplane.plancore.spec.SpecJson;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** A hosts file on disk (Nix, or JSON), evaluated and validated as the planner would, for the CLI's own use. */
final class SpecFile {

    private SpecFile() {
    }

    /** {@link #read(Path, Path, Duration, PrintStream)} with the file's own directory as the root. */
    static HostsSpec read(Path file, Duration nixTimeout, PrintStream warnings) {
        return read(file, null, nixTimeout, warnings);
    }

    /**
     * The valid spec in {@code file}, which may read the files under {@code root} (null: the file's directory);
     * warnings go to {@code warnings}; a problem is a {@link CliException} listing all.
     */
    static HostsSpec read(Path file, Path root, Duration nixTimeout, PrintStream warnings) {
        String source;
        try {
            source = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException("spec file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException("cannot read spec file " + file + ": " + e.getMessage());
        }
        JsonNode tree;
        if (file.toString().endsWith(".json")) {
            try {
                tree = SpecJson.parse(source);
            } catch (SpecJson.MalformedJsonException e) {
                throw new CliException(file + ": " + e.getMessage());
            }
        } else {
            try {
                tree = new NixEvaluator("nix-instantiate", nixTimeout).evaluateFile(file, root == null ? rootOf(file) : root);
            } catch (NixEvaluationException e) {
                throw new CliException(file + " does not evaluate: " + e.getMessage().strip());
            }
        }
        SpecValidator.Result result = SpecValidator.validate(tree);
        for (SpecProblem w : result.warnings()) {
            warnings.println("Warning: " + w.path() + ": " + w.message());
        }
        if (!result.valid()) {
            StringBuilder sb = new StringBuilder(file + " is not a valid hosts file (" + result.problems().size()
                    + (result.problems().size() == 1 ? " problem):" : " problems):"));
            for (SpecProblem p : result.problems()) {
                sb.append(System.lineSeparator()).append("  - ").append(p.path()).append(": ").append(p.message());
            }
            throw new CliException(sb.toString());
        }
        return result.spec().orElseThrow();
    }

    /** The default evaluation root: the directory of {@code file}. */
    static Path rootOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }
}
