package dev.fleetplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.plan.DiffEngine;
import dev.fleetplane.plancore.plan.ManagedHost;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.plan.PlanJson;
import dev.fleetplane.plancore.plan.PlanRenderer;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Plan latency, printed, never asserted: (1) the pure engine on generated fleets of 1,000 and 10,000 hosts
 * (validate, diff, text and JSON faces; warm-up, then the median of many runs), (2) the whole process
 * {@code ./fleetplane plan --spec --inventory} on generated files of those sizes beside {@code ./fleetplane
 * --version} in the same run (medians of several launches).
 *
 * <p>Arguments: {@code --root DIR} (the checkout with ./fleetplane; default the current directory),
 * {@code --sizes 1000,10000}, {@code --runs 15} (engine), {@code --launches 5} (processes), {@code --skip-process}.
 */
public final class PlanBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int[] sizes = {1_000, 10_000};
        int runs = 15;
        int launches = 5;
        boolean process = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--launches" -> launches = Integer.parseInt(args[++i]);
                case "--skip-process" -> process = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (known: --root DIR, --sizes N,M, --runs N, --launches N, --skip-process)");
            }
        }
        System.out.printf("fleetplane plan benchmark — %s, %d CPUs, Java %s, max heap %d MB%n",
                System.getProperty("os.name"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        System.out.println();
        System.out.println("1. Pure engine (in memory; median of " + runs + " runs after warm-up)");
        System.out.printf("%8s %8s %10s %10s %10s %10s %10s  %s%n", "hosts", "VMs", "validate", "diff",
                "text", "json", "total", "plan");
        for (int n : sizes) {
            engine(n, runs);
        }
        if (process) {
            System.out.println();
            System.out.println("2. Whole process, FLEETPLANE_SKIP_BUILD=1 (median of " + launches + " launches, wall time)");
            processes(root.toAbsolutePath().normalize(), sizes, launches);
        }
    }

    private static void engine(int n, int runs) {
        JsonNode specJson = FleetGenerator.spec(n);
        List<ObservedVm> inventory = FleetGenerator.inventory(n);
        Map<String, ManagedHost> managed = FleetGenerator.managed(n);
        // Warm-up: enough runs for the JIT to compile the hot paths at this size.
        int warmups = Math.max(5, 20_000 / n);
        for (int i = 0; i < warmups; i++) {
            once(specJson, inventory, managed);
        }
        long[][] t = new long[4][runs];
        String summary = "";
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            var validated = SpecValidator.validate(specJson);
        HostsSpec spec = validated.spec().orElseThrow(() -> new IllegalStateException(
                "the generated spec is not valid: " + validated.problems().stream().limit(3).toList()));
            long t1 = System.nanoTime();
            PlanDraft draft = DiffEngine.diff(spec, inventory, managed);
            long t2 = System.nanoTime();
            String text = PlanRenderer.render("bench", 1, draft);
            long t3 = System.nanoTime();
            JsonNode json = PlanJson.render("bench", 1L, "sha256:bench", draft);
            long t4 = System.nanoTime();
            t[0][r] = t1 - t0;
            t[1][r] = t2 - t1;
            t[2][r] = t3 - t2;
            t[3][r] = t4 - t3;
            summary = PlanRenderer.summary(draft) + " (" + text.length() / 1024 + " KiB text, "
                    + json.path("resource_changes").size() + " resource changes)";
        }
        long total = median(sum(t));
        System.out.printf("%8d %8d %10s %10s %10s %10s %10s  %s%n", n, inventory.size(), ms(median(t[0])),
                ms(median(t[1])), ms(median(t[2])), ms(median(t[3])), ms(total), summary);
    }

    private static void once(JsonNode specJson, List<ObservedVm> inventory, Map<String, ManagedHost> managed) {
        var validated = SpecValidator.validate(specJson);
        HostsSpec spec = validated.spec().orElseThrow(() -> new IllegalStateException(
                "the generated spec is not valid: " + validated.problems().stream().limit(3).toList()));
        PlanDraft draft = DiffEngine.diff(spec, inventory, managed);
        PlanRenderer.render("bench", 1, draft);
        PlanJson.render("bench", 1L, "sha256:bench", draft);
    }

    private static void processes(Path root, int[] sizes, int launches) throws Exception {
        Path launcher = root.resolve("fleetplane");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is not executable; pass --root with the fleetplane checkout");
        }
        Path dir = Files.createTempDirectory("fleetplane-bench-");
        try {
            List<Command> commands = new ArrayList<>();
            commands.add(new Command("fleetplane --version", List.of(launcher.toString(), "--version"), 0));
            for (int n : sizes) {
                Path spec = dir.resolve("hosts-" + n + ".json");
                Path inventory = dir.resolve("inventory-" + n + ".json");
                JSON.writeValue(spec.toFile(), FleetGenerator.spec(n));
                JSON.writeValue(inventory.toFile(), FleetGenerator.pveshJson(FleetGenerator.inventory(n)));
                commands.add(new Command("fleetplane plan --spec --inventory, " + n + " hosts ("
                        + Files.size(spec) / 1024 + " KiB spec, " + Files.size(inventory) / 1024 + " KiB inventory)",
                        List.of(launcher.toString(), "plan", "--spec", spec.toString(), "--inventory",
                                inventory.toString(), "--detailed-exitcode"), 2));
            }
            long[][] wall = new long[commands.size()][launches];
            // One untimed launch each warms the OS page cache (JDK, jars); then launches interleave.
            for (Command c : commands) {
                c.run(root);
            }
            for (int l = 0; l < launches; l++) {
                for (int i = 0; i < commands.size(); i++) {
                    wall[i][l] = commands.get(i).run(root);
                }
            }
            long version = median(wall[0]);
            for (int i = 0; i < commands.size(); i++) {
                long m = median(wall[i]);
                System.out.printf("%-84s %9s  min %9s  max %9s%s%n", commands.get(i).label, ms(m),
                        ms(Arrays.stream(wall[i]).min().orElse(0)), ms(Arrays.stream(wall[i]).max().orElse(0)),
                        i == 0 ? "" : String.format(Locale.ROOT, "   (+%s over --version)", ms(m - version)));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One launch of the CLI; the exit code must be the expected one (a failing plan measures nothing). */
    private record Command(String label, List<String> argv, int expectedExit) {
        long run(Path root) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(root.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.PIPE);
            pb.environment().put("FLEETPLANE_SKIP_BUILD", "1");
            long t0 = System.nanoTime();
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes());
            int exit = p.waitFor();
            long t = System.nanoTime() - t0;
            if (exit != expectedExit) {
                throw new IllegalStateException(label + ": exit " + exit + " (expected " + expectedExit + "): " + err);
            }
            return t;
        }
    }

    private static long[] sum(long[][] parts) {
        long[] out = new long[parts[0].length];
        for (long[] p : parts) {
            for (int i = 0; i < out.length; i++) {
                out[i] += p[i];
            }
        }
        return out;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
