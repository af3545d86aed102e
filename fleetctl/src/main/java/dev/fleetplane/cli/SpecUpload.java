package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.plancore.spec.NixEvaluationException;
import dev.fleetplane.plancore.spec.NixEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code push} sends for a hosts file. A {@code .json} file as it is. A hosts.nix that evaluates on its own to
 * what it evaluates to with its files (under the root) is sent as source, exactly as before: the planner evaluates it
 * and keeps the source. One that needs other files ({@code import ./vms.nix}, {@code builtins.readFile ./key.pub})
 * is evaluated here, where its files are, and its evaluated JSON is sent; the files never leave this machine.
 *
 * @param body the request body
 * @param nix true: {@code text/x-nix} source; false: {@code application/json}
 * @param note why the evaluated JSON is sent, for the user; null when the file is sent as it is
 */
record SpecUpload(String body, boolean nix, String note) {

    /** {@code root} null = the file's directory. */
    static SpecUpload of(Path file, Path root, Duration nixTimeout) {
        String content;
        try {
            content = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException("spec file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (file.toString().endsWith(".json")) {
            return new SpecUpload(content, false, null);
        }
        NixEvaluator nix = new NixEvaluator("nix-instantiate", nixTimeout);
        JsonNode alone;
        try {
            alone = nix.evaluate(content);
        } catch (NixEvaluationException e) {
            if (e.kind() == NixEvaluationException.Kind.NIX_MISSING) {
                // No Nix here: the planner evaluates the source, as push always did (a file with imports fails there).
                return new SpecUpload(content, true, null);
            }
            alone = null;
        }
        JsonNode withFiles;
        try {
            withFiles = nix.evaluateFile(file, root == null ? SpecFile.rootOf(file) : root);
        } catch (NixEvaluationException e) {
            throw new CliException(file + " does not evaluate: " + e.getMessage().strip());
        }
        if (withFiles.equals(alone)) {
            return new SpecUpload(content, true, null);
        }
        return new SpecUpload(withFiles.toString(), false, file + " reads other files under "
                + (root == null ? SpecFile.rootOf(file) : root) + ": sending its evaluation (JSON); "
                + "the planner keeps that and --revision, not the source");
    }

    /**
     * This fleet with {@code _proxmox.templateVmid} set to {@code vmid} (a template just built or promoted), sent as
     * JSON: a Nix source is evaluated here first.
     */
    SpecUpload withTemplateVmid(int vmid, Duration nixTimeout) {
        JsonNode spec;
        try {
            spec = nix ? new NixEvaluator("nix-instantiate", nixTimeout).evaluate(body)
                    : new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (NixEvaluationException | IOException e) {
            throw new CliException("cannot read the fleet to set its template: " + e.getMessage(), e);
        }
        if (!(spec.path("_proxmox") instanceof com.fasterxml.jackson.databind.node.ObjectNode proxmox)) {
            throw new CliException("the fleet has no _proxmox block to set templateVmid in");
        }
        proxmox.put("templateVmid", vmid);
        return new SpecUpload(spec.toString(), false, "sending the fleet with _proxmox.templateVmid = " + vmid);
    }
}
