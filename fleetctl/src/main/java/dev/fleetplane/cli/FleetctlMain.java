package dev.fleetplane.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code fleetplane} command: the operator's and CI's way into a fleet. */
@Command(name = "fleetplane", mixinStandardHelpOptions = true, versionProvider = FleetctlMain.Version.class,
        description = "Keeps a NixOS VM fleet on Proxmox VE equal to hosts.nix.",
        subcommands = {UpCommand.class, DemoCommand.class, PushCommand.class, PlanCommand.class, ApplyCommand.class,
                StatusCommand.class, EventsCommand.class, InventoryCommand.class, PreflightCommand.class,
                RetryCommand.class, IntegrateCommand.class, NewCommand.class, RemoveCommand.class, VmCommand.class,
                NextVmidCommand.class, SpecCommand.class, TemplateCommand.class, ConsoleCommand.class, TokenCommand.class,
                CommandLine.HelpCommand.class})
public final class FleetctlMain {

    /** Before the command ({@code fleetplane --token-file FILE push …}): several commands have a {@code --token-file}
     * of their own (the Proxmox token, the console token), so this one belongs to the program. */
    @Option(names = "--token-file", paramLabel = "FILE", description = "a file (mode 600) holding the token sent to "
            + "the fleetplane services (default: FLEETPLANE_TOKEN, else api.token-file in the config file, else "
            + "$FLEETPLANE_HOME/operator-token written by `fleetplane up`)")
    void tokenFile(Path file) {
        ApiToken.useFile(file);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        ApiToken.reset();
        CommandLine cli = new CommandLine(new FleetctlMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("fleetplane: " + (e instanceof CliException ? e.getMessage() : e.toString()));
            return 1;
        });
        return cli;
    }

    /** Reads the version Maven stamped into the jar manifest, or says it is a development build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FleetctlMain.class.getPackage().getImplementationVersion();
            return new String[] {"fleetplane " + (v != null ? v : "0.1.0-SNAPSHOT (development build)")};
        }
    }
}
