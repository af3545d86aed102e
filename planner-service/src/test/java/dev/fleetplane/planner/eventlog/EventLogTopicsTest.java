package dev.fleetplane.planner.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.Topics;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EventLogTopicsTest {

    @Test
    void eventLogChannel_readsExactlyTheTopicsOfTopicsAll() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        List<String> configured = Arrays.stream(p.getProperty("mp.messaging.incoming.event-log.topics").split(","))
                .map(String::trim).sorted().toList();
        List<String> expected = Topics.ALL.stream().map(Topics.TopicSpec::name).sorted().toList();
        assertEquals(expected, configured);
    }
}
