package dev.fleetplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Structured mode must not depend on the thread that happens to decode first. The CloudEvents SDK's format registry
 * ({@code EventFormatProvider}) is filled once per JVM by a {@code ServiceLoader} on the calling thread's context class
 * loader; in a packaged service a first decode on a thread whose context loader does not see the app's jars left the
 * registry empty for good, and every structured record went to the DLQ as "Unknown encoding" (issue #15). Here the
 * codec, the SDK and their dependencies are loaded afresh in their own class loader and the first decode runs on a
 * thread whose context loader is the platform's.
 */
class StructuredModeIsolationTest {

    @Test
    void aStructuredRecord_isRead_evenWhenTheFirstDecodeRunsWhereTheServiceFilesAreNotVisible() throws Exception {
        Set<URL> jars = new LinkedHashSet<>();
        for (String name : new String[] {"dev.fleetplane.events.CloudEventsKafkaCodec", "io.cloudevents.CloudEvent",
                "io.cloudevents.core.provider.EventFormatProvider", "io.cloudevents.jackson.JsonFormat",
                "io.cloudevents.kafka.KafkaMessageFactory", "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.annotation.JsonProperty",
                "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule", "org.apache.kafka.common.header.Headers"}) {
            jars.add(Class.forName(name).getProtectionDomain().getCodeSource().getLocation());
        }
        String body = """
                {"specversion":"1.0","id":"e-1","source":"/ci","type":"fleetplane.vm.start-requested.v1",
                 "datacontenttype":"application/json","data":{"schemaVersion":1,"node":"pve","vmid":111}}""";
        AtomicReference<Object> read = new AtomicReference<>();
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        try (URLClassLoader fresh = new URLClassLoader(jars.toArray(URL[]::new), platform)) {
            Class<?> codec = fresh.loadClass(CloudEventsKafkaCodec.class.getName());
            Class<?> headersType = fresh.loadClass("org.apache.kafka.common.header.Headers");
            Object headers = fresh.loadClass(RecordHeaders.class.getName()).getConstructor().newInstance();
            headersType.getMethod("add", String.class, byte[].class).invoke(headers, "content-type",
                    "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            Method decode = codec.getMethod("decode", headersType, byte[].class);
            Thread t = new Thread(() -> {
                try {
                    read.set(decode.invoke(null, headers, body.getBytes(StandardCharsets.UTF_8)));
                } catch (InvocationTargetException e) {
                    read.set(e.getCause());
                } catch (ReflectiveOperationException e) {
                    read.set(e);
                }
            });
            t.setContextClassLoader(ClassLoader.getPlatformClassLoader());
            t.start();
            t.join();
        }
        assertEquals("e-1", read.get() instanceof Throwable e ? e.toString()
                : read.get().getClass().getMethod("id").invoke(read.get()));
    }
}
