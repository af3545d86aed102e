package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.NixEvaluationException;
import dev.fleetplane.plancore.spec.NixEvaluator;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A hosts.nix as {@code new} and {@code remove} read it: its source, its evaluation (nix-instantiate, the same
 * restricted evaluation the planner runs) and the validated spec. Failures name the file.
 */
record HostsFile(Path path, String source, JsonNode tree, HostsSpec spec) {

    static HostsFile read(Path path, Duration nixTimeout, PrintStream warnings) {
        if (path.toString().endsWith(".json")) {
            throw new CliException(path + " is evaluated JSON: this command reads and edits the Nix source (hosts.nix)");
        }
        String source;
        try {
            source = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new CliException("spec file " + path + " does not exist (pass --spec FILE)");
        } catch (IOException e) {
            throw new CliException("cannot read spec file " + path + ": " + e.getMessage(), e);
        }
        JsonNode tree;
        try {
            tree = evaluate(path, source, nixTimeout);
        } catch (NixEvaluationException e) {
            throw new CliException(path + " does not evaluate: " + e.getMessage().strip());
        }
        SpecValidator.Result result = SpecValidator.validate(tree);
        for (SpecProblem w : result.warnings()) {
            warnings.println("Warning: " + w.path() + ": " + w.message());
        }
        if (!result.valid()) {
            StringBuilder sb = new StringBuilder(path + " is not a valid hosts file (" + result.problems().size()
                    + (result.problems().size() == 1 ? " problem):" : " problems):"));
            for (SpecProblem p : result.problems()) {
                sb.append(System.lineSeparator()).append("  - ").append(p.path()).append(": ").append(p.message());
            }
            throw new CliException(sb.toString());
        }
        return new HostsFile(path, source, tree, result.spec().orElseThrow());
    }

    static JsonNode evaluate(String source, Duration nixTimeout) throws NixEvaluationException {
        return new NixEvaluator("nix-instantiate", nixTimeout).evaluate(source);
    }

    /**
     * {@code source} (the file's text, or an edit of it) evaluated as if it were {@code file}: with the files under
     * its directory, so a hosts.nix that imports {@code ./vms.nix} can be read and its edits checked. The text is
     * written to a hidden sibling for the evaluation and removed after; errors name {@code file}.
     */
    static JsonNode evaluate(Path file, String source, Duration nixTimeout) throws NixEvaluationException {
        Path dir = file.toAbsolutePath().normalize().getParent();
        String name = file.getFileName().toString();
        Path sibling;
        try {
            sibling = Files.createTempFile(dir, "." + name + ".fleetplane-check-", ".nix");
        } catch (IOException e) {
            throw new CliException("cannot evaluate " + file + " with its files: cannot write beside it in " + dir
                    + " (" + e.getMessage() + ")", e);
        }
        try {
            Files.writeString(sibling, source);
            return new NixEvaluator("nix-instantiate", nixTimeout).evaluateFile(sibling, dir);
        } catch (NixEvaluationException e) {
            throw new NixEvaluationException(e.kind(), e.getMessage().replace(sibling.getFileName().toString(), name));
        } catch (IOException e) {
            throw new CliException("cannot evaluate " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(sibling);
            } catch (IOException ignored) {
                // a hidden leftover beside the file; the next check uses a new name
            }
        }
    }
}
