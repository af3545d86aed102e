package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetplane template build|list|builds|promote|rollback}: the template builder's door. Promotion prints the
 * hosts.nix line to commit; hosts.nix stays the source of truth and the CLI never edits it.
 */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Build, list and promote NixOS templates (the template builder).",
        subcommands = {TemplateCommand.Build.class, TemplateCommand.ListTemplates.class, TemplateCommand.Builds.class,
                TemplateCommand.Promote.class, TemplateCommand.Rollback.class})
final class TemplateCommand {

    /** Options every subcommand shares. */
    static class Door {
        @Option(names = "--template-builder", description = "template builder URL (default: the running `up` stack)")
        String url;

        ServiceApi api() {
            return new ServiceApi("template builder", StackFile.templateBuilderUrl(url));
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build a template image, register it, smoke-test a clone, convert it (TemplateReady).")
    static final class Build implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Door door = new Door();

        @Option(names = "--name", defaultValue = "nixos", description = "the template's name (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--recipe", description = "a directory with the template's flake (default: the configured one)")
        Path recipe;

        @Option(names = "--flake", description = "a flake reference naming the image instead of a recipe")
        String flake;

        @Option(names = "--route", description = "sftp (a VMA to the node's dump directory) or api (a qcow2 upload)")
        String route;

        @Option(names = "--node", description = "the Proxmox node (default: the configured one)")
        String node;

        @Option(names = "--storage", description = "the storage for the template's disks")
        String storage;

        @Option(names = "--timeout", description = "the build's time limit, e.g. PT1H")
        Duration timeout;

        @Option(names = "--no-wait", description = "print the build id and return at once")
        boolean noWait;

        @Override
        public Integer call() throws InterruptedException {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("template", name);
            if (recipe != null) {
                body.put("recipe", recipe.toAbsolutePath().normalize().toString());
            }
            putIf(body, "flake", flake);
            putIf(body, "route", route);
            putIf(body, "node", node);
            putIf(body, "storage", storage);
            if (timeout != null) {
                body.put("timeoutSeconds", timeout.toSeconds());
            }
            body.put("requestedBy", System.getProperty("user.name", "fleetctl"));
            ServiceApi api = door.api();
            JsonNode accepted = api.postJson("/templates/builds", body, Map.of(), Duration.ofSeconds(30));
            String id = accepted.path("buildId").asText();
            System.out.println("build " + id + " of " + name + " accepted");
            if (noWait) {
                System.out.println("follow it with `fleetplane template builds` or `fleetplane events --follow`");
                return 0;
            }
            JsonNode b = awaitBuild(api, id, System.out);
            if (b.path("state").asText().equals("ready")) {
                int vmid = b.path("candidateVmid").asInt();
                System.out.println("template " + name + " is VM " + vmid + " (sha256 " + b.path("sha256").asText()
                        + "); to use it for new VMs: `fleetplane template promote " + vmid + "`");
                return 0;
            }
            System.out.println("rejected at " + b.path("failedStep").asText() + ": " + b.path("reason").asText());
            return 1;
        }

        static String describe(JsonNode b) {
            List<String> parts = new ArrayList<>();
            if (b.hasNonNull("candidateVmid")) {
                parts.add("candidate " + b.get("candidateVmid").asInt());
            }
            if (b.hasNonNull("probeVmid")) {
                parts.add("probe " + b.get("probeVmid").asInt());
            }
            if (b.hasNonNull("probeAddress")) {
                parts.add("at " + b.get("probeAddress").asText());
            }
            return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
        }

        private static void putIf(ObjectNode body, String key, String value) {
            if (value != null && !value.isBlank()) {
                body.put(key, value);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The templates builds made ready.")
    static final class ListTemplates implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Door door = new Door();

        @Option(names = "--name", description = "only templates of this name")
        String name;

        @Override
        public Integer call() {
            JsonNode rows = door.api().get("/templates" + (name == null ? "" : "?name=" + PathSegment.encode(name)));
            List<List<String>> table = new ArrayList<>();
            table.add(List.of("VMID", "NAME", "NODE", "BUILT FROM", "SHA256", "SMOKE TEST", "IN USE", "PROMOTED",
                    "STATE"));
            for (JsonNode r : rows) {
                table.add(List.of(r.path("vmid").asText(), r.path("name").asText(), r.path("node").asText(),
                        r.path("builtFrom").asText(), r.path("sha256").asText().substring(0,
                                Math.min(12, r.path("sha256").asText().length())),
                        "passed", r.path("inUse").asText(), r.hasNonNull("promotedAt") ? "yes" : "",
                        r.hasNonNull("deletedAt") ? "deleted" : r.path("deleting").asBoolean() ? "deleting" : "ready"));
            }
            print(table);
            return 0;
        }
    }

    @Command(name = "builds", mixinStandardHelpOptions = true, description = "Recent builds and where they stand.")
    static final class Builds implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Door door = new Door();

        @Override
        public Integer call() {
            List<List<String>> table = new ArrayList<>();
            table.add(List.of("BUILD", "TEMPLATE", "ROUTE", "STATE", "CANDIDATE", "REASON"));
            for (JsonNode b : door.api().get("/templates/builds")) {
                table.add(List.of(b.path("buildId").asText(), b.path("template").asText(), b.path("route").asText(),
                        b.path("state").asText(), b.path("candidateVmid").asText(""),
                        b.path("reason").asText("")));
            }
            print(table);
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Mark a template promoted and print the hosts.nix line that makes new VMs clone it.")
    static final class Promote implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Door door = new Door();

        @Parameters(paramLabel = "VMID", description = "the template's VMID (see `fleetplane template list`)")
        int vmid;

        @picocli.CommandLine.Mixin
        ApplyOptions apply = new ApplyOptions();

        @Override
        public Integer call() {
            int status = promote(door.api(), vmid);
            return apply.apply ? apply.publish(vmid) : status;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Promote the template that was promoted before the current one again.")
    static final class Rollback implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Door door = new Door();

        @Option(names = "--name", defaultValue = "nixos", description = "the template's name (default: ${DEFAULT-VALUE})")
        String name;

        @picocli.CommandLine.Mixin
        ApplyOptions apply = new ApplyOptions();

        @Override
        public Integer call() {
            ServiceApi api = door.api();
            List<JsonNode> promoted = new ArrayList<>();
            for (JsonNode r : api.get("/templates?name=" + PathSegment.encode(name))) {
                if (r.hasNonNull("promotedAt") && !r.hasNonNull("deletedAt")) {
                    promoted.add(r);
                }
            }
            promoted.sort((a, b) -> b.path("promotedAt").asText().compareTo(a.path("promotedAt").asText()));
            if (promoted.size() < 2) {
                throw new CliException("no earlier promoted template of " + name + " is left to roll back to ("
                        + promoted.size() + " promoted)");
            }
            int vmid = promoted.get(1).path("vmid").asInt();
            int status = promote(api, vmid);
            return apply.apply ? apply.publish(vmid) : status;
        }
    }

    /**
     * {@code --apply}: publish the promotion as a desired-state change, a new spec version of the fleet that is its
     * newest one with {@code _proxmox.templateVmid} set. hosts.nix in git does not have it until it is committed: the
     * next push of a file without the line sets the template back (the plan says so).
     */
    static final class ApplyOptions {
        @Option(names = "--apply", description = "also publish it as a desired-state change (a new spec version of"
                + " --fleet with the new templateVmid; it still goes through a plan)")
        boolean apply;

        @Option(names = "--fleet", defaultValue = "default", description = "with --apply: the fleet (default: ${DEFAULT-VALUE})")
        String fleet;

        @Option(names = "--planner", description = "with --apply: planner URL (default: the running `up` stack)")
        String planner;

        int publish(int vmid) {
            ServiceApi api = new ServiceApi("planner", StackFile.plannerUrl(planner));
            ServiceApi.LatestSpec latest = api.latestSpec(fleet);
            SpecUpload upload = new SpecUpload(latest.content().toString(), false, null)
                    .withTemplateVmid(vmid, Duration.ofSeconds(30));
            JsonNode accepted = PushCommand.submit(api, upload, fleet, "template " + vmid, "operator", false, false);
            long version = accepted.path("specVersion").asLong();
            System.out.println();
            System.out.println("published as spec version " + version + " of fleet " + fleet + " (from version "
                    + latest.version() + "):");
            JsonNode plan = PushCommand.awaitPlan(api, version, Duration.ofMinutes(2));
            System.out.println();
            System.out.println(plan.path("text").asText().stripTrailing());
            return 0;
        }
    }

    /** Follows build {@code id}, printing each state it passes, until it is ready or rejected; returns the last view. */
    static JsonNode awaitBuild(ServiceApi api, String id, java.io.PrintStream out) throws InterruptedException {
        String last = "";
        long queuedUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            java.util.Optional<JsonNode> found = api.find("/templates/builds/" + PathSegment.encode(id));
            if (found.isEmpty()) {
                // The command is on templates.commands; the builder makes the build's row when it reads it.
                if (System.nanoTime() > queuedUntil) {
                    throw new CliException("the template builder has not taken up build " + id + " within 60 s"
                            + " (is it running and reading templates.commands?)");
                }
                Thread.sleep(250);
                continue;
            }
            JsonNode b = found.get();
            String state = b.path("state").asText();
            if (!state.equals(last)) {
                out.println("  " + state + Build.describe(b));
                last = state;
            }
            if (state.equals("ready") || state.equals("rejected")) {
                return b;
            }
            Thread.sleep(500);
        }
    }

    static int promote(ServiceApi api, int vmid) {
        JsonNode r = api.postJson("/templates/" + vmid + "/promote", JsonNodeFactory.instance.objectNode(), Map.of(),
                Duration.ofSeconds(30));
        System.out.println("template " + r.path("name").asText() + " VM " + vmid + " is promoted. Put this in"
                + " hosts.nix and push it (existing VMs are never replaced because the template changed):");
        System.out.println();
        System.out.println("  " + r.path("line").asText());
        return 0;
    }

    private static void print(List<List<String>> table) {
        System.out.print(Columns.align(table));
    }
}
