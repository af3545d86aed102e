package dev.fleetplane.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code qemu-img} ({@code info} and {@code check}, JSON output), for callers that want QEMU's own opinion
 * of an image on top of {@link Qcow2Image}'s header checks. {@link #find()} is empty where qemu-img is not
 * installed; the caller chooses what that means.
 */
public final class QemuImg {

    /** What {@code qemu-img info --output=json} says. */
    public record Info(String format, long virtualSize, long actualSize, boolean corrupt, boolean dirty,
                       String backingFile) {
    }

    /** What {@code qemu-img check --output=json} says; {@code clean} when it found no errors. */
    public record Check(int checkErrors, int corruptions, int leaks, boolean clean) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 120;

    private final Path executable;

    public QemuImg(Path executable) {
        this.executable = executable;
    }

    /** qemu-img from {@code PATH}, if installed. */
    public static Optional<QemuImg> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "qemu-img");
            if (Files.isExecutable(candidate)) {
                return Optional.of(new QemuImg(candidate));
            }
        }
        return Optional.empty();
    }

    public Info info(Path image) throws IOException {
        Result r = run(List.of("info", "--output=json", image.toString()));
        if (r.exit != 0) {
            throw new ImageRejected(image.getFileName() + ": qemu-img info failed: " + r.error.strip());
        }
        JsonNode n = JSON.readTree(r.out);
        JsonNode specific = n.path("format-specific").path("data");
        return new Info(n.path("format").asText(), n.path("virtual-size").asLong(), n.path("actual-size").asLong(),
                specific.path("corrupt").asBoolean(false), n.path("dirty-flag").asBoolean(false),
                n.hasNonNull("backing-filename") ? n.get("backing-filename").asText() : null);
    }

    /** {@code qemu-img check}: exit 0 clean, 2 corruptions, 3 leaks only; 1 means it could not check at all. */
    public Check check(Path image) throws IOException {
        Result r = run(List.of("check", "--output=json", image.toString()));
        if (r.exit == 1 || r.out.isBlank()) {
            throw new ImageRejected(image.getFileName() + ": qemu-img check could not check it: " + r.error.strip());
        }
        JsonNode n = JSON.readTree(r.out);
        int errors = n.path("check-errors").asInt(0);
        int corruptions = n.path("corruptions").asInt(0);
        int leaks = n.path("leaks").asInt(0);
        return new Check(errors, corruptions, leaks, r.exit == 0 && errors == 0 && corruptions == 0 && leaks == 0);
    }

    /** {@code qemu-img convert -O raw}: the image's guest-visible bytes into {@code target}. */
    public void convertToRaw(Path image, Path target) throws IOException {
        Result r = run(List.of("convert", "-O", "raw", image.toString(), target.toString()));
        if (r.exit != 0) {
            throw new IOException("qemu-img convert failed: " + r.error.strip());
        }
    }

    private Result run(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable.toString());
        cmd.addAll(args);
        Path err = Files.createTempFile("qemu-img-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("qemu-img " + args.get(0) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while qemu-img ran", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private record Result(int exit, String out, String error) {
    }
}
