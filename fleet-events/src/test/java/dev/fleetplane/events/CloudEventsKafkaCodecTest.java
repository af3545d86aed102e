package dev.fleetplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.VmCloned;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventsKafkaCodecTest {

    private static final CloneVm CLONE = new CloneVm("pve", 9003, 111, "web", "local-lvm", true);

    @Test
    void binaryMode_carriesAttributesAsCeHeaders_andDataAsJsonValue() {
        FleetEvent event = FleetEvent.create(EventCatalog.CLONE_VM, "/fleetplane/planner", "web", CLONE, "plan-1");
        ProducerRecord<String, byte[]> record = CloudEventsKafkaCodec.toRecord(Topics.PVE_COMMANDS, "web", event);

        assertEquals("web", record.key());
        assertEquals("fleetplane.vm.clone-requested.v1", header(record.headers(), "ce_type"));
        assertEquals("web", header(record.headers(), "ce_subject"));
        assertEquals(event.id(), header(record.headers(), "ce_id"));
        assertEquals("1.0", header(record.headers(), "ce_specversion"));
        assertEquals("plan-1", header(record.headers(), "ce_correlationid"));
        assertEquals("application/json", header(record.headers(), "content-type"));
        String json = new String(record.value(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"schemaVersion\":1"), json);
        assertTrue(json.contains("\"templateVmid\":9003"), json);
    }

    @Test
    void binaryRecord_decodesBackToTheSameEvent() {
        FleetEvent cause = FleetEvent.create(EventCatalog.CLONE_VM, "/fleetplane/planner", "web", CLONE, "plan-1");
        FleetEvent event = FleetEvent.causedBy(cause, EventCatalog.VM_CLONED, "/fleetplane/proxmox-adapter", "web",
                new VmCloned("pve", 111, "web", 9003, "UPID:pve:0001:0002:679A423B:qmclone:9003:root@pam:"));
        ProducerRecord<String, byte[]> record = CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, "web", event);

        FleetEvent read = CloudEventsKafkaCodec.decode(record.headers(), record.value());

        assertEquals(event.id(), read.id());
        assertEquals("plan-1", read.correlationId());
        assertEquals(cause.id(), read.causationId());
        assertEquals(111, read.dataAs(EventCatalog.VM_CLONED).vmid());
        assertEquals(event.time().toInstant(), read.time().toInstant());
    }

    @Test
    void structuredRecord_isReadToo() {
        String body = """
                {"specversion":"1.0","id":"e-1","source":"/ci","type":"fleetplane.vm.start-requested.v1",
                 "subject":"web","correlationid":"c-1","datacontenttype":"application/json",
                 "data":{"schemaVersion":1,"node":"pve","vmid":111}}""";
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));

        FleetEvent read = CloudEventsKafkaCodec.decode(headers, body.getBytes(StandardCharsets.UTF_8));

        assertEquals("e-1", read.id());
        assertEquals("c-1", read.correlationId());
        assertNull(read.causationId());
        assertEquals(111, read.dataAs(EventCatalog.START_VM).vmid());
    }

    @Test
    void structuredRecord_withTheHeaderNameInCapitals_isReadToo() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("Content-Type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        String body = """
                {"specversion":"1.0","id":"e-2","source":"/ci","type":"fleetplane.vm.start-requested.v1",
                 "data":{"schemaVersion":1,"node":"pve","vmid":112}}""";
        assertEquals(112, CloudEventsKafkaCodec.decode(headers, body.getBytes(StandardCharsets.UTF_8))
                .dataAs(EventCatalog.START_VM).vmid());
    }

    @Test
    void structuredRecord_thatIsNotACloudEvent_isUndecodable_sayingStructuredMode() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(UndecodableEventException.class,
                () -> CloudEventsKafkaCodec.decode(headers, "{\"id\": 1".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("not a CloudEvent: structured-mode value"), e.getMessage());
        var missing = assertThrows(UndecodableEventException.class, () -> CloudEventsKafkaCodec.decode(headers,
                "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/t\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(missing.getMessage().contains("type"), missing.getMessage());
    }

    @Test
    void aBatchOfCloudEvents_isUndecodable_namingTheContentType() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents-batch+json".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(UndecodableEventException.class,
                () -> CloudEventsKafkaCodec.decode(headers, "[]".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("content-type 'application/cloudevents-batch+json'"), e.getMessage());
    }

    @Test
    void unknownType_isUndecodable_namingTheType() {
        RecordHeaders headers = binaryHeaders("fleetplane.vm.teleported.v1");
        var e = assertThrows(UndecodableEventException.class,
                () -> CloudEventsKafkaCodec.decode(headers, "{}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("fleetplane.vm.teleported.v1"), e.getMessage());
    }

    @Test
    void brokenJson_isUndecodable_sayingSo() {
        RecordHeaders headers = binaryHeaders(EventCatalog.START_VM.type());
        var e = assertThrows(UndecodableEventException.class,
                () -> CloudEventsKafkaCodec.decode(headers, "{\"vmid\": 1".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    }

    @Test
    void dataOfTheWrongShape_isUndecodable_namingTheRecord() {
        RecordHeaders headers = binaryHeaders(EventCatalog.START_VM.type());
        var e = assertThrows(UndecodableEventException.class,
                () -> CloudEventsKafkaCodec.decode(headers, "{\"vmid\": \"eleven\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("StartVm"), e.getMessage());
    }

    @Test
    void recordWithoutCloudEventHeaders_isUndecodable() {
        var e = assertThrows(UndecodableEventException.class,
                () -> CloudEventsKafkaCodec.decode(new RecordHeaders(), "hello".getBytes(StandardCharsets.UTF_8)));
        assertNotNull(e.getMessage());
    }

    @Test
    void everyKind_hasAVersionedTypeAndADeclaredTopic() {
        var topics = Topics.ALL.stream().map(Topics.TopicSpec::name).toList();
        for (EventKind<?> kind : EventCatalog.all()) {
            assertTrue(kind.type().matches("fleetplane\\.[a-z-]+\\.[a-z-]+\\.v\\d+"), kind.type());
            assertTrue(topics.contains(kind.topic()), kind + " travels on undeclared topic " + kind.topic());
        }
    }

    private static RecordHeaders binaryHeaders(String type) {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        h.add("ce_id", "x-1".getBytes(StandardCharsets.UTF_8));
        h.add("ce_source", "/test".getBytes(StandardCharsets.UTF_8));
        h.add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        h.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static String header(Iterable<Header> headers, String name) {
        for (Header h : headers) {
            if (h.key().equals(name)) {
                return new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
