package dev.fleetplane.provisioner.ipresolution;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address literal, checked without any name lookup: safe to put in a command line. */
public record IpLiteral(String value) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    public IpLiteral {
        if (!isValid(value)) {
            throw new IllegalArgumentException("'" + value + "' is not an IPv4 or IPv6 address literal");
        }
    }

    public static Optional<IpLiteral> parse(String value) {
        return isValid(value) ? Optional.of(new IpLiteral(value)) : Optional.empty();
    }

    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > 45) {
            return false;
        }
        if (IPV4.matcher(value).matches()) {
            return true;
        }
        // Only strings with a colon reach InetAddress: it parses them as IPv6 literals (IPv4-mapped ones too)
        // and never resolves them.
        if (value.indexOf(':') < 0 || !IPV6_CHARS.matcher(value).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(value);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
