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
            tree = evaluate(source, nixTimeout);
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
}
