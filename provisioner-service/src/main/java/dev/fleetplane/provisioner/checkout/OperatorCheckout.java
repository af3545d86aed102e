package dev.fleetplane.provisioner.checkout;

import dev.fleetplane.provisioner.ProvisionerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The operator's checkout ({@code fleetplane.provisioner.checkout.path}) as the provisioner uses it: checked to be a
 * git work tree with a {@code flake.nix}, and the place each host's {@code hardware-configuration.nix} is written to
 * and staged ({@code git add}: a flake in a git tree sees only files git knows). Never commits: that stays the
 * operator's. Git commands run one at a time (git's index lock would refuse two at once).
 */
@ApplicationScoped
public class OperatorCheckout {

    private static final Logger LOG = Logger.getLogger(OperatorCheckout.class);
    private static final long GIT_TIMEOUT_SECONDS = 60;
    static final String SETTING = "fleetplane.provisioner.checkout.path";

    @Inject
    ProvisionerConfig config;

    /** The configured checkout; empty: rebuilds run on the guests. */
    public Optional<Path> path() {
        return config.checkout().path();
    }

    /** The checkout, checked: an existing directory holding {@code flake.nix}, inside a git work tree. */
    public Path checked() throws CheckoutException {
        Path dir = path().orElseThrow(() -> new CheckoutException(SETTING + " is not set"));
        List<String> problems = CheckoutCommand.flakePathProblems(dir);
        if (!problems.isEmpty()) {
            throw new CheckoutException(String.join("; ", problems));
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckoutException(SETTING + " = " + dir + " is not a directory");
        }
        if (!Files.isRegularFile(dir.resolve("flake.nix"))) {
            throw new CheckoutException(SETTING + " = " + dir + " holds no flake.nix: it must be the checkout of the"
                    + " fleet's flake (the one `nixos-rebuild switch --flake <it>#<host>` builds)");
        }
        Git inside = git(dir, "rev-parse", "--is-inside-work-tree");
        if (inside.status() != 0 || !inside.output().strip().equals("true")) {
            throw new CheckoutException(SETTING + " = " + dir + " is not a git work tree (git rev-parse: "
                    + firstLine(inside.output()) + "): fleetplane stages the hardware-configuration.nix it generates"
                    + " with `git add`, since a flake in a git tree sees only files git knows; clone the fleet's"
                    + " repository there, or run `git init` in it");
        }
        return dir;
    }

    /** The file at {@code relative} in the checkout, if it exists. */
    public Optional<String> read(Path checkout, String relative) throws CheckoutException {
        Path file = checkout.resolve(relative);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckoutException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Writes {@code content} to {@code relative} (atomically, directories created) and stages it. */
    public synchronized void writeAndStage(Path checkout, String relative, String content) throws CheckoutException {
        Path file = checkout.resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".fleetplane-", ".tmp");
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CheckoutException("cannot write " + file + ": " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
        stage(checkout, relative);
    }

    /** Stages {@code relative} unless git tracks it already (a file kept by the policy, edited by the operator). */
    public synchronized boolean stageIfUntracked(Path checkout, String relative) throws CheckoutException {
        if (git(checkout, "ls-files", "--error-unmatch", "--", relative).status() == 0) {
            return false;
        }
        stage(checkout, relative);
        return true;
    }

    private void stage(Path checkout, String relative) throws CheckoutException {
        Git add = git(checkout, "add", "--", relative);
        if (add.status() != 0) {
            throw new CheckoutException("`git add -- " + relative + "` in " + checkout + " exited with status "
                    + add.status() + ": " + firstLine(add.output()));
        }
        LOG.debugf("staged %s in %s", relative, checkout);
    }

    record Git(int status, String output) {
    }

    private static Git git(Path dir, String... args) throws CheckoutException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CheckoutException("cannot run git (is it installed and on the PATH?): " + e.getMessage());
        }
        try {
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CheckoutException("`git " + String.join(" ", args) + "` in " + dir + " ran longer than "
                        + GIT_TIMEOUT_SECONDS + " s");
            }
            return new Git(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckoutException("cannot read the output of git in " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new CheckoutException("interrupted while git ran in " + dir);
        }
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return t.isEmpty() ? "(no output)" : nl < 0 ? t : t.substring(0, nl);
    }
}
