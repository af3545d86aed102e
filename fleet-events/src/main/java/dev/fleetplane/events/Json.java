package dev.fleetplane.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping of event data: ISO timestamps, unknown fields ignored so old readers read new events. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final java.util.regex.Pattern SOURCE_NOISE = java.util.regex.Pattern.compile(
            "\\s*\\(start marker at \\[Source: [^\\]]*\\]\\)|\\s*at \\[Source: [^\\]]*\\]|\\s*\\[Source: [^\\]]*\\]");

    private Json() {
    }

    /**
     * What is wrong with a JSON text, in words for whoever sent it: where (line and column) and what, without
     * Jackson's own class and setting names (a text nested too deep says so, not which
     * {@code StreamReadConstraints} getter refused it).
     */
    public static String problem(com.fasterxml.jackson.core.JsonProcessingException e) {
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr()
                + ": ";
        String what = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            if (what.contains("nesting depth")) {
                what = "nested deeper than "
                        + com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels";
            } else {
                what = what.replaceAll("\\s*\\(from `[^`]*`\\)", "").replaceAll("`[^`]*`", "").strip();
            }
        }
        what = SOURCE_NOISE.matcher(what).replaceAll("");
        int nl = what.indexOf('\n');
        return where + (nl < 0 ? what : what.substring(0, nl)).strip();
    }
}
