package dev.fleetplane.cli.console;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code stty} prints, checked before it is used: the saved settings ({@code stty -g}: the only text that goes
 * back to {@code stty} to restore the terminal, so it must be exactly that shape) and the window size
 * ({@code stty size}: {@code "<rows> <cols>"}). Pure.
 */
public final class TerminalState {

    // GNU coreutils: "500:5:bf:8a3b:3:1c:7f:15:4:0:1:0:11:13:1a:0:12:f:17:16:0:0:..." (hex fields, colon-separated);
    // BSD stty writes "gfmt1:cflag=4b00:iflag=6b02:..." (name=hex pairs). Anything else is refused, never run.
    private static final Pattern GNU = Pattern.compile("[0-9a-fA-F]+(:[0-9a-fA-F]+){3,}");
    private static final Pattern BSD = Pattern.compile("gfmt1(:[a-z]+=[0-9a-fA-F]+)+");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5}) (\\d{1,5})");

    private TerminalState() {
    }

    /** A terminal's columns and rows. */
    public record WindowSize(int cols, int rows) {
        public WindowSize {
            if (cols < 1 || cols > 65535 || rows < 1 || rows > 65535) {
                throw new IllegalArgumentException("a window size is 1..65535 columns and rows, got " + cols + "x" + rows);
            }
        }
    }

    /** The settings {@code stty -g} printed, stripped; refused (naming the text) when they are not its format. */
    public static String saved(String sttyG) {
        String s = sttyG == null ? "" : sttyG.strip();
        if (!GNU.matcher(s).matches() && !BSD.matcher(s).matches()) {
            throw new IllegalArgumentException("stty -g printed '" + abbreviate(s) + "', not a terminal's saved settings");
        }
        return s;
    }

    /**
     * The window size {@code stty size} printed ({@code rows cols}); empty when the terminal does not know its size
     * ({@code 0 0}, a pty nobody sized), refused when the text is not two numbers.
     */
    public static Optional<WindowSize> size(String sttySize) {
        String s = sttySize == null ? "" : sttySize.strip();
        var m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("stty size printed '" + abbreviate(s) + "', not '<rows> <cols>'");
        }
        int rows = Integer.parseInt(m.group(1));
        int cols = Integer.parseInt(m.group(2));
        if (rows == 0 || cols == 0) {
            return Optional.empty();
        }
        return Optional.of(new WindowSize(cols, rows));
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
