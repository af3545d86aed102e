package dev.fleetplane.pvesim.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What sits behind a running VM's {@code serial0: socket}: a NixOS getty on {@code ttyS0}, {@code login} and a tiny
 * shell, with the line discipline of a real tty in cooked mode. {@link #type} takes the bytes a client typed and
 * returns what the guest writes back (echo included); the state (logged in or not, the half-typed line) is the line's,
 * not a session's, so a second session sees what the first left.
 *
 * <p>Login accepts {@code root} and the VM's {@code ciuser} with any password (empty too); any other name gets
 * {@code Login incorrect}. The shell knows {@code echo} (words joined by one space: no quoting, no variables),
 * {@code hostname}, {@code whoami}, {@code ip addr} ({@code ip a}, {@code ip address}, with or without {@code show}),
 * {@code exit} and {@code logout}; anything else is {@code -bash: <cmd>: command not found}.
 *
 * <p>Line discipline: CR ends a line, and so does LF unless it follows a CR (a CRLF is one Enter); typed characters
 * are echoed (not the password); DEL (0x7f) and BS erase the last character ({@code \b \b}); Ctrl-C drops the line
 * ({@code ^C}, a fresh prompt); Ctrl-D on an empty shell line logs out; other control bytes and ANSI escape sequences
 * (arrow keys) are dropped. UTF-8 typed in pieces is held until its character is complete, so the echo never splits
 * one. Output ends lines with CRLF, as a tty with {@code onlcr} does.
 */
public final class SerialLine {

    /** What the shell asks the guest about; read at each command, so it follows the VM (renames, DHCP leases). */
    public interface Guest {
        /** The VM's name, the guest's host name. */
        String hostname();

        /** The cloud-init user ({@code ciuser}), when the VM has one. */
        Optional<String> ciuser();

        /** The guest's interfaces in the agent's {@code network-get-interfaces} shape. */
        List<Map<String, Object>> interfaces();
    }

    static final String TTY = "ttyS0";
    // NixOS's default services.getty.greetingLine, "<<< Welcome to ${distroName} ${label} (\m) - \l >>>", with the
    // release the simulated agent reports (GuestAgentReplies.osInfo) instead of a full label.
    static final String GREETING = "<<< Welcome to NixOS 24.11 (x86_64) - " + TTY + " >>>";
    private static final byte DEL = 0x7f;
    private static final byte BS = 0x08;
    private static final byte CTRL_C = 0x03;
    private static final byte CTRL_D = 0x04;
    private static final byte ESC = 0x1b;

    private enum State { LOGIN, PASSWORD, SHELL }

    private enum Escape { NONE, START, CSI }

    private final Guest guest;
    private State state = State.LOGIN;
    private String user;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(); // whole characters only
    private final byte[] pending = new byte[4]; // an incomplete UTF-8 sequence
    private int pendingLength;
    private int pendingExpected;
    private boolean afterCr;
    private Escape escape = Escape.NONE;

    public SerialLine(Guest guest) {
        this.guest = guest;
    }

    /** Feeds typed bytes to the guest; returns what it writes back (possibly nothing). */
    public synchronized byte[] type(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : input) {
            boolean cr = b == '\r';
            step(b, out);
            afterCr = cr;
        }
        return out.toByteArray();
    }

    /** Whether someone is logged in on the line (for tests and logs). */
    public synchronized boolean loggedIn() {
        return state == State.SHELL;
    }

    private void step(byte b, ByteArrayOutputStream out) {
        if (escape != Escape.NONE) {
            skipEscape(b);
            return;
        }
        int u = b & 0xff;
        if (u >= 0x80) {
            utf8(u, out);
            return;
        }
        pendingLength = 0; // an ASCII byte ends any broken sequence
        switch (b) {
            case '\r' -> enter(out);
            case '\n' -> {
                if (!afterCr) {
                    enter(out);
                }
            }
            case DEL, BS -> erase(out);
            case CTRL_C -> interrupt(out);
            case CTRL_D -> endOfFile(out);
            case ESC -> escape = Escape.START;
            default -> {
                if (u >= 0x20) {
                    append(new byte[] {b}, out);
                }
            }
        }
    }

    // ESC [ params final  or  ESC O x  (cursor keys in application mode): dropped whole
    private void skipEscape(byte b) {
        if (escape == Escape.START) {
            escape = b == '[' || b == 'O' ? Escape.CSI : Escape.NONE;
        } else if (b >= 0x40 && b <= 0x7e) {
            escape = Escape.NONE;
        }
    }

    private void utf8(int u, ByteArrayOutputStream out) {
        if (u >= 0xc0 && u <= 0xf7) {
            pending[0] = (byte) u;
            pendingLength = 1;
            pendingExpected = u >= 0xf0 ? 4 : u >= 0xe0 ? 3 : 2;
        } else if (u <= 0xbf && pendingLength > 0) {
            pending[pendingLength++] = (byte) u;
            if (pendingLength == pendingExpected) {
                append(Arrays.copyOf(pending, pendingLength), out);
                pendingLength = 0;
            }
        } else {
            pendingLength = 0; // a stray continuation byte or an invalid lead: dropped
        }
    }

    private void append(byte[] character, ByteArrayOutputStream out) {
        line.writeBytes(character);
        if (state != State.PASSWORD) {
            out.writeBytes(character);
        }
    }

    private void erase(ByteArrayOutputStream out) {
        byte[] bytes = line.toByteArray();
        if (bytes.length == 0) {
            return;
        }
        int start = bytes.length - 1;
        while (start > 0 && (bytes[start] & 0xc0) == 0x80) {
            start--; // back to the lead byte: one character, however many bytes
        }
        line.reset();
        line.write(bytes, 0, start);
        if (state != State.PASSWORD) {
            write(out, "\b \b");
        }
    }

    private void interrupt(ByteArrayOutputStream out) {
        line.reset();
        write(out, "^C\r\n");
        if (state == State.SHELL) {
            write(out, prompt());
        } else {
            state = State.LOGIN;
            write(out, loginPrompt());
        }
    }

    private void endOfFile(ByteArrayOutputStream out) {
        if (state == State.SHELL && line.size() == 0) {
            logout(out);
        }
    }

    private void enter(ByteArrayOutputStream out) {
        String typed = line.toString(StandardCharsets.UTF_8);
        line.reset();
        write(out, "\r\n");
        switch (state) {
            case LOGIN -> {
                String name = typed.strip();
                if (name.isEmpty()) {
                    write(out, banner());
                } else {
                    user = name;
                    state = State.PASSWORD;
                    write(out, "Password: ");
                }
            }
            case PASSWORD -> {
                if (user.equals("root") || guest.ciuser().filter(user::equals).isPresent()) {
                    state = State.SHELL;
                    write(out, prompt());
                } else {
                    state = State.LOGIN;
                    write(out, "Login incorrect\r\n" + loginPrompt());
                }
            }
            case SHELL -> run(typed.strip(), out);
        }
    }

    private void run(String command, ByteArrayOutputStream out) {
        String[] words = command.isEmpty() ? new String[0] : command.split("\\s+");
        if (words.length == 0) {
            write(out, prompt());
            return;
        }
        switch (words[0]) {
            case "echo" -> write(out, String.join(" ", Arrays.asList(words).subList(1, words.length)) + "\r\n");
            case "hostname" -> write(out, hostname() + "\r\n");
            case "whoami" -> write(out, user + "\r\n");
            case "ip" -> write(out, ip(Arrays.asList(words).subList(1, words.length)));
            case "exit", "logout" -> {
                logout(out);
                return;
            }
            default -> write(out, "-bash: " + words[0] + ": command not found\r\n");
        }
        write(out, prompt());
    }

    private String ip(List<String> args) {
        boolean addr = !args.isEmpty() && List.of("a", "addr", "address").contains(args.get(0))
                && (args.size() == 1 || args.size() == 2 && List.of("show", "list").contains(args.get(1)));
        if (addr) {
            return IpAddrListing.of(guest.interfaces());
        }
        if (args.isEmpty()) {
            return "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\r\n";
        }
        return "Object \"" + args.get(0) + "\" is unknown, try \"ip help\".\r\n";
    }

    private void logout(ByteArrayOutputStream out) {
        write(out, "logout\r\n");
        state = State.LOGIN;
        user = null;
        write(out, banner());
    }

    private String banner() {
        return "\r\n" + GREETING + "\r\n\r\n" + hostname() + " login: ";
    }

    private String loginPrompt() {
        return "\r\n" + hostname() + " login: ";
    }

    // NixOS's PS1 without its colours and window-title escapes
    private String prompt() {
        return "[" + user + "@" + hostname() + ":~]" + (user.equals("root") ? "# " : "$ ");
    }

    private String hostname() {
        return guest.hostname();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
