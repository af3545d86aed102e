package dev.fleetplane.planner.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.planner.plan.InventoryRequests;
import dev.fleetplane.planner.power.PowerAction;
import dev.fleetplane.planner.power.PowerCommands;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The body of a power request ({@code {"action": "reboot", "force": false}}) read strictly, and the answers. */
final class PowerRequests {

    private static final Set<String> FIELDS = Set.of("action", "force");

    /** A parsed request. */
    record Request(PowerAction action, boolean force) {
    }

    private PowerRequests() {
    }

    static Request parse(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "a power request needs a JSON body: {\"action\": \"start|stop|shutdown|reboot\","
                    + " \"force\": false}");
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed JSON body: " + Json.problem(e));
        }
        if (!tree.isObject()) {
            throw new ApiException(400, "the body must be a JSON object, got " + tree.getNodeType().name().toLowerCase());
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ApiException(400, "unknown field(s) " + String.join(", ", unknown) + "; a power request has action"
                    + " and force");
        }
        JsonNode a = tree.path("action");
        String words = String.join(", ", Arrays.stream(PowerAction.values()).map(PowerAction::word).toList());
        PowerAction action = (a.isTextual() ? PowerAction.parse(a.asText()) : java.util.Optional.<PowerAction>empty())
                .orElseThrow(() -> new ApiException(400, "action must be one of " + words + ", got "
                        + (a.isMissingNode() ? "nothing" : a.toString())));
        JsonNode f = tree.path("force");
        if (!f.isMissingNode() && !f.isNull() && !f.isBoolean()) {
            throw new ApiException(400, "force must be true or false, got " + f);
        }
        return new Request(action, f.asBoolean(false));
    }

    static Response accepted(Supplier<PowerCommands.Accepted> call) {
        try {
            return Response.accepted(call.get()).build();
        } catch (PowerCommands.RefusedException e) {
            throw new ApiException(e.status(), e.getMessage());
        } catch (InventoryRequests.UnavailableException e) {
            throw new ApiException(504, e.getMessage());
        }
    }
}
