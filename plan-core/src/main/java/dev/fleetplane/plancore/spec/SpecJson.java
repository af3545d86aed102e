package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Strict reading of spec JSON (duplicate keys and trailing text are errors) and the content hash of a spec. */
public final class SpecJson {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private SpecJson() {
    }

    /** Malformed JSON; the message names line and column. */
    public static class MalformedJsonException extends Exception {
        public MalformedJsonException(String message) {
            super(message);
        }
    }

    public static JsonNode parse(String text) throws MalformedJsonException {
        if (text == null || text.isBlank()) {
            throw new MalformedJsonException("the body is empty; expected the evaluated hosts file as a JSON object");
        }
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            String problem = dev.fleetplane.events.Json.problem(e);
            throw new MalformedJsonException("malformed JSON" + (problem.startsWith("line ") ? " at " : ": ") + problem);
        }
    }

    /** SHA-256 (hex) of the JSON with keys sorted: the same hosts give the same hash, from Nix or from JSON. */
    public static String hash(JsonNode tree) {
        try {
            Object plain = CANONICAL.convertValue(tree, Object.class);
            byte[] bytes = CANONICAL.writeValueAsString(plain).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash spec: " + e.getMessage(), e);
        }
    }
}
