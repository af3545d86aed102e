package dev.fleetplane.pvesim.console;

import java.util.Arrays;
import java.util.List;

/**
 * One {@code pvesh} call as the node's {@code pvesh} script forwards it ({@code pvesh TAB arg TAB arg …}). The
 * stand-in answers only what the console gateway's node-ssh backend asks, {@code pvesh get /cluster/resources --type
 * vm --output-format json} (options in any order, {@code --opt value} or {@code --opt=value}, {@code json-pretty} too);
 * anything else is refused naming what was asked and what is simulated. Pure.
 *
 * @param pretty {@code --output-format json-pretty}
 */
record PveshRequest(boolean pretty) {

    /** A request, or the refusal the script prints on stderr (exit status 255). */
    record Parsed(PveshRequest request, String error) {
    }

    static final String SIMULATED = "only 'pvesh get /cluster/resources --type vm --output-format json' is simulated";

    static Parsed parse(String line) {
        List<String> f = Arrays.asList(line.split("\t", -1));
        if (f.isEmpty() || !f.get(0).equals("pvesh")) {
            return error("pvesh stand-in: malformed request from the node's pvesh script");
        }
        List<String> args = f.subList(1, f.size());
        String asked = "'pvesh " + String.join(" ", args) + "'";
        if (args.size() < 2 || !args.get(0).equals("get") || !args.get(1).replaceAll("/+$", "").equals("/cluster/resources")) {
            return error("pvesh (pve-simulator stand-in): " + SIMULATED + ", got " + asked);
        }
        String type = null;
        String format = null;
        for (int i = 2; i < args.size(); i++) {
            String a = args.get(i);
            String name;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("-") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (a.startsWith("-") && i + 1 < args.size()) {
                name = a;
                value = args.get(++i);
            } else {
                return error("pvesh (pve-simulator stand-in): unexpected argument '" + a + "' in " + asked + "; "
                        + SIMULATED);
            }
            switch (name.replaceFirst("^--?", "")) {
                case "type" -> type = value;
                case "output-format" -> format = value;
                default -> {
                    return error("pvesh (pve-simulator stand-in): option '" + name + "' is not simulated in " + asked
                            + "; " + SIMULATED);
                }
            }
        }
        if (!"vm".equals(type)) {
            return error("pvesh (pve-simulator stand-in): " + (type == null ? "no --type" : "--type " + type)
                    + " in " + asked + "; " + SIMULATED);
        }
        if (!"json".equals(format) && !"json-pretty".equals(format)) {
            return error("pvesh (pve-simulator stand-in): " + (format == null ? "no --output-format (the text table is"
                    + " not simulated)" : "--output-format " + format) + " in " + asked + "; " + SIMULATED);
        }
        return new Parsed(new PveshRequest("json-pretty".equals(format)), null);
    }

    private static Parsed error(String message) {
        return new Parsed(null, message);
    }
}
