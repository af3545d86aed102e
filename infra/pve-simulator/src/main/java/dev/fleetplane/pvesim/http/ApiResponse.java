package dev.fleetplane.pvesim.http;

/**
 * One HTTP response as the simulator writes it. {@code reason} is the reason phrase: Proxmox puts the first line of
 * its error message there, so it is chosen per response instead of taken from a fixed table.
 */
public record ApiResponse(int status, String reason, String contentType, byte[] body) {

    public static final String JSON = "application/json;charset=UTF-8";

    public ApiResponse {
        if (body == null) {
            body = new byte[0];
        }
        reason = sanitizeReason(status, reason);
    }

    public static ApiResponse json(int status, String reason, byte[] body) {
        return new ApiResponse(status, reason, JSON, body);
    }

    public static ApiResponse empty(int status, String reason) {
        return new ApiResponse(status, reason, null, new byte[0]);
    }

    /** pveproxy closes the connection after every response with status >= 400. */
    public boolean closesConnection() {
        return status >= 400;
    }

    // pve-http-server takes the first line of the message; a phrase must not be able to break the status line.
    private static String sanitizeReason(int status, String reason) {
        if (reason == null || reason.isBlank()) {
            return status < 400 ? "OK" : "Error";
        }
        String firstLine = reason.lines().findFirst().orElse("").strip();
        StringBuilder out = new StringBuilder(firstLine.length());
        for (char c : firstLine.toCharArray()) {
            out.append(c < 0x20 || c > 0xFF ? '?' : c);
        }
        return out.length() == 0 ? "Error" : out.toString();
    }
}
