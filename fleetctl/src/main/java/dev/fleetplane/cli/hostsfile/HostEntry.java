package dev.fleetplane.cli.hostsfile;

import java.util.Optional;

/**
 * A new host of hosts.nix and its text in the file's style: {@code hostname}, {@code configurationFile}
 * ({@code ./hosts/NAME/configuration.nix}), {@code user}, and {@code proxmox} (a helper call or the four required
 * attributes). Pure.
 *
 * @param userExpression how {@code user} is written (e.g. {@code admin}); empty = the user as a string
 * @param proxmoxHelper  {@code proxmox = helper VMID;}; empty = an explicit {@code { vmid; cores; memory; disk; }}
 */
public record HostEntry(String name, String user, Optional<String> userExpression, int vmid, int cores,
                        int memoryMb, String disk, Optional<String> proxmoxHelper) {

    public HostEntry withUserExpression(Optional<String> expression) {
        return new HostEntry(name, user, expression, vmid, cores, memoryMb, disk, proxmoxHelper);
    }

    public HostEntry withProxmoxHelper(Optional<String> helper) {
        return new HostEntry(name, user, userExpression, vmid, cores, memoryMb, disk, helper);
    }

    public String configurationFile() {
        return "./hosts/" + name + "/configuration.nix";
    }

    /** The binding, each line starting with {@code indent}, inner lines one more level in; ends with a newline. */
    public String render(String indent) {
        String in1 = indent;
        String in2 = indent + unit(indent);
        StringBuilder sb = new StringBuilder();
        sb.append(in1).append(name).append(" = {\n");
        sb.append(in2).append("hostname = ").append(quote(name)).append(";\n");
        sb.append(in2).append("configurationFile = ").append(configurationFile()).append(";\n");
        sb.append(in2).append("user = ").append(userExpression.orElse(quote(user))).append(";\n");
        if (proxmoxHelper.isPresent()) {
            sb.append(in2).append("proxmox = ").append(proxmoxHelper.get()).append(' ').append(vmid).append(";\n");
        } else {
            String in3 = in2 + unit(indent);
            sb.append(in2).append("proxmox = {\n");
            sb.append(in3).append("vmid = ").append(vmid).append(";\n");
            sb.append(in3).append("cores = ").append(cores).append(";\n");
            sb.append(in3).append("memory = ").append(memoryMb).append("; # MB\n");
            sb.append(in3).append("disk = ").append(quote(disk)).append(";\n");
            sb.append(in2).append("};\n");
        }
        sb.append(in1).append("};\n");
        return sb.toString();
    }

    /** A file indented with tabs gets tabs; else the host's indentation is also the step ({@code "  "}). */
    private static String unit(String indent) {
        return indent.contains("\t") ? "\t" : indent.isEmpty() ? "  " : indent;
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "\\${") + "\"";
    }
}
