package dev.fleetplane.pvesim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PveSimulatorMainIT {

    @TempDir
    Path tmp;

    private Process launch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PveSimulatorMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("PVESIM_TOKEN_SECRET");
        return pb.start();
    }

    @Test
    void main_printsUrl_servesSeededVms_andExitsAtStdinEof() throws Exception {
        Path seed = tmp.resolve("seed.json");
        Files.writeString(seed, "{\"vms\":[{\"vmid\":9003,\"name\":\"nixos-template\",\"node\":\"pve\",\"template\":true,"
                + "\"cores\":2,\"memoryMb\":2048,\"diskGb\":8,\"agent\":true}]}");
        Process p = launch("--port", "0", "--token-id", PveTestClient.TOKEN_ID, "--token-secret", PveTestClient.SECRET,
                "--seed", seed.toString(), "--task-millis", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.matches("pve-simulator: http://127\\.0\\.0\\.1:\\d+/api2/json"), line);
            String url = line.substring("pve-simulator: ".length());
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/cluster/resources?type=vm"))
                            .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("\"vmid\":9003"), response.body());
            p.getOutputStream().close();
            assertEquals(0, exitCode(p));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void main_dropPrivilege_refusesTheClone_andRequestLogCountsIt() throws Exception {
        Path seed = tmp.resolve("seed.json");
        Files.writeString(seed, "{\"vms\":[{\"vmid\":9003,\"name\":\"nixos-template\",\"node\":\"pve\",\"template\":true,"
                + "\"cores\":2,\"memoryMb\":2048,\"diskGb\":8,\"agent\":true}]}");
        Path log = tmp.resolve("requests.log");
        Process p = launch("--port", "0", "--token-id", PveTestClient.TOKEN_ID, "--token-secret", PveTestClient.SECRET,
                "--seed", seed.toString(), "--drop-privilege", "VM.Clone", "--drop-privilege", "VM.PowerMgmt",
                "--request-log", log.toString());
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            String url = line.substring("pve-simulator: ".length());
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/nodes/pve/qemu/9003/clone"))
                            .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("newid=120")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, response.statusCode());
            assertTrue(response.body().contains("Permission check failed (/vms/9003, VM.Clone)"), response.body());
            List<String> lines = Files.readAllLines(log);
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).endsWith(" POST /api2/json/nodes/pve/qemu/9003/clone 403"), lines.get(0));
            p.getOutputStream().close();
            assertEquals(0, exitCode(p));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void main_withoutTokenSecret_refusesToStart() throws Exception {
        Process p = launch("--port", "0");
        try {
            assertNull(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine());
            assertEquals(2, exitCode(p));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void main_guestNetnsWithoutAuthorizedKeys_refusesToStartNamingTheMissingOption() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PveSimulatorMain.class.getName(),
                "--port", "0", "--token-secret", "s", "--guest-netns"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, exitCode(p));
            org.junit.jupiter.api.Assertions.assertTrue(out.startsWith(
                    "pve-simulator: --guest-netns needs --guest-ssh-authorized-keys FILE"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static int exitCode(Process p) throws InterruptedException {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("process did not exit");
        }
        return p.exitValue();
    }
}
