package dev.fleetplane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleetplane token add|list|remove}: tokens for people and jobs in the services' tokens file (docs/access.md).
 * The services re-read the file within a second of a change, so no restart is needed. The file is the stack's
 * ({@code $FLEETPLANE_HOME/}{@value #FILE}, what {@code up} hands its services) unless {@code --tokens-file} names
 * another; the token itself is shown once and never stored, only its SHA-256.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Tokens for the fleetplane services: add (shown once), list, remove. The services pick up the "
                + "change within a second.",
        subcommands = {TokenCommand.Add.class, TokenCommand.ListTokens.class, TokenCommand.Remove.class})
final class TokenCommand {

    /** The tokens file's name in {@code $FLEETPLANE_HOME} (and in the directory {@code up} keeps its tokens in). */
    static final String FILE = "tokens";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The clock {@code list} judges expiry by (a test may set another). */
    static Clock clock = Clock.systemUTC();

    private TokenCommand() {
    }

    /** The {@code --tokens-file} option every subcommand has. */
    static final class FileOption {
        @Option(names = "--tokens-file", paramLabel = "FILE",
                description = "the tokens file (default: $FLEETPLANE_HOME/tokens, the one `fleetplane up` uses)")
        Path file;

        Path path() {
            return file != null ? file : StackFile.home().resolve(FILE);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Make a random token for NAME, add its line to the tokens file and print the token once.")
    static final class Add implements Callable<Integer> {

        @Spec
        CommandSpec command;

        @Parameters(index = "0", paramLabel = "NAME", description = "who the token is for (what logs and errors call it)")
        String name;

        @Option(names = "--roles", required = true, paramLabel = "ROLE[,ROLE]",
                description = "viewer, operator (implies viewer), ci, console")
        String roles;

        @Option(names = "--hosts", paramLabel = "GLOB[,GLOB]",
                description = "only these hosts (* and ? wildcards), e.g. web*,db-?; default: every host")
        String hosts;

        @Option(names = "--expires", paramLabel = "DATE",
                description = "no longer admitted from then: 2027-01-31 (start of day, UTC) or 2027-01-31T12:00:00Z")
        String expires;

        @Option(names = "--out", paramLabel = "FILE",
                description = "write the token to this new file (mode 600) instead of printing it")
        Path out;

        @picocli.CommandLine.Mixin
        FileOption file = new FileOption();

        @Override
        public Integer call() throws IOException {
            Path tokensFile = file.path();
            Optional<Instant> until = Optional.ofNullable(expires).map(TokensFileLines::expiry);
            if (until.isPresent() && !until.get().isAfter(clock.instant())) {
                throw new CliException("--expires " + expires + " is already past");
            }
            List<String> globs = hosts == null ? List.of() : List.of(hosts.split(",", -1));
            String text = TokensFileLines.read(tokensFile);
            if (TokensFileLines.has(text, name)) {
                throw new CliException(tokensFile + " already has a token " + name + "; remove it first "
                        + "(`fleetplane token remove " + name + "`) or choose another name");
            }
            if (out != null && Files.exists(out)) {
                throw new CliException("--out " + out + " exists; the token is written only to a new file");
            }
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            String token = HexFormat.of().formatHex(raw);
            String line = TokensFileLines.line(name, TokensFileLines.roles(roles), globs, until, sha256Hex(token));
            if (out != null) {
                TokensFileLines.writePrivate(out, token + "\n");
            }
            String updated = text.isEmpty() ? "# fleetplane tokens: <name> <roles,comma> <token sha256> [hosts=<glob,...>]"
                    + " [expires=<date>] (docs/access.md)\n" : text;
            TokensFileLines.writePrivate(tokensFile, TokensFileLines.withLine(updated, name, line));
            PrintWriter err = command.commandLine().getErr();
            err.println("added token " + name + " to " + tokensFile + " (the services admit it within a second)");
            if (out != null) {
                err.println("the token is in " + out + " (mode 600); it is not stored anywhere else");
            } else {
                err.println("the token (shown once, not stored anywhere):");
                command.commandLine().getOut().println(token);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The tokens of the file: name, roles, hosts, expiry (never their hashes).")
    static final class ListTokens implements Callable<Integer> {

        @Spec
        CommandSpec command;

        @picocli.CommandLine.Mixin
        FileOption file = new FileOption();

        @Override
        public Integer call() {
            Path tokensFile = file.path();
            if (!Files.exists(tokensFile)) {
                throw new CliException("no tokens file " + tokensFile + " (`fleetplane up` writes it; --tokens-file "
                        + "names another)");
            }
            Instant now = clock.instant();
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("NAME", "ROLES", "HOSTS", "EXPIRES", "EXPIRED"));
            for (TokensFileLines.Entry e : TokensFileLines.entries(tokensFile.toString(),
                    TokensFileLines.read(tokensFile))) {
                rows.add(List.of(e.name(), String.join(",", e.roles()),
                        e.hosts().isEmpty() ? "*" : String.join(",", e.hosts()),
                        e.expires().map(Instant::toString).orElse("never"), e.expiredAt(now) ? "yes" : "no"));
            }
            command.commandLine().getOut().print(Columns.align(rows));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove NAME's token from the file: the services refuse it within a second.")
    static final class Remove implements Callable<Integer> {

        @Spec
        CommandSpec command;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @picocli.CommandLine.Mixin
        FileOption file = new FileOption();

        @Override
        public Integer call() throws IOException {
            Path tokensFile = file.path();
            if (!Files.exists(tokensFile)) {
                throw new CliException("no tokens file " + tokensFile);
            }
            String text = TokensFileLines.read(tokensFile);
            TokensFileLines.writePrivate(tokensFile, TokensFileLines.without(tokensFile.toString(), text, name));
            command.commandLine().getErr().println("removed token " + name + " from " + tokensFile
                    + " (the services refuse it within a second)");
            return 0;
        }
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
