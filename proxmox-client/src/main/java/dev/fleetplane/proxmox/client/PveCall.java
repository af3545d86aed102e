package dev.fleetplane.proxmox.client;

/**
 * What a failure message needs to say where it happened: the operation, the HTTP method, the full URL
 * and the token id (never the secret).
 */
record PveCall(String operation, String method, String url, String tokenId) {

    String where() {
        return operation + " (" + method + " " + url + ")";
    }
}
