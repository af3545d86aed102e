package dev.fleetplane.provisioner.ssh;

/**
 * Command lines for a POSIX shell, the one place fleetplane quotes for one: a word in single quotes (each inner
 * quote written as {@code '\''}), which holds in any login shell a guest may have (bash, zsh, fish) since {@code $},
 * backticks, backslashes and newlines mean nothing inside them. Pure: builds strings.
 */
public final class ShellCommand {

    private ShellCommand() {
    }

    /**
     * {@code word} as one shell word that the shell hands over unchanged. A NUL is refused: no argument or command line
     * can carry one, and a shell would cut the word there.
     */
    public static String quote(String word) {
        if (word.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell word cannot hold a NUL character");
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** {@code command} run by {@code sh -c}, so it means the same whatever the login shell is. */
    public static String underSh(String command) {
        return "sh -c " + quote(command);
    }

    /**
     * {@code command} as root for a login as {@code user}: unchanged for root, else through {@code sudo -n sh -c}, never
     * a password prompt but a clear failure instead. The whole command runs under one sudo, so a refused sudo fails it
     * (exit 1) rather than only its first part.
     */
    public static String asRoot(String user, String command) {
        return "root".equals(user) ? command : "sudo -n " + underSh(command);
    }
}
