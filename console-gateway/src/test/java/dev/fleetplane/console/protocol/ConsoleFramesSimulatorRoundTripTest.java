package dev.fleetplane.console.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.pvesim.console.TermProtocol;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link ConsoleFrames} writes, read by the simulator's termproxy parser (the one the simulated console runs):
 * the terminal gets exactly the input bytes and the resizes, in order.
 */
class ConsoleFramesSimulatorRoundTripTest {

    @Test
    void inputResizeAndKeepalives_readBackThroughTheSimulatorsTermproxy() throws Exception {
        ConsoleFrames frames = new ConsoleFrames(7);
        byte[] binary = {0, (byte) 0xFF, ':', '0', ':', '9', (byte) 0x80, '\r'};
        String text = "echo 'grüße 😀'\r";
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(ConsoleFrames.resize(132, 43));
        frames.input(text).forEach(wire::writeBytes);
        wire.writeBytes(ConsoleFrames.keepalive());
        frames.input(binary).forEach(wire::writeBytes);
        wire.writeBytes(ConsoleFrames.resize(80, 24));
        wire.writeBytes(ConsoleFrames.keepalive());

        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        List<String> resizes = new ArrayList<>();
        new TermProtocol(new ByteArrayInputStream(wire.toByteArray()), terminal::writeBytes,
                (cols, rows) -> resizes.add(cols + "x" + rows)).run();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(binary);
        assertArrayEquals(expected.toByteArray(), terminal.toByteArray());
        assertEquals(List.of("132x43", "80x24"), resizes);
    }

    @Test
    void aLargePaste_readsBackWhole() throws Exception {
        StringBuilder paste = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            paste.append("line ").append(i).append(" ü€😀\n");
        }
        byte[] bytes = paste.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new ConsoleFrames().input(bytes).forEach(wire::writeBytes);
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        new TermProtocol(new ByteArrayInputStream(wire.toByteArray()), terminal::writeBytes, (c, r) -> { }).run();
        assertArrayEquals(bytes, terminal.toByteArray());
    }
}
