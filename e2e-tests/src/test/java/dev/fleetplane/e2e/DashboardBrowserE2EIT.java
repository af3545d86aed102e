package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;

/**
 * The dashboard as a viewer sees it, in Debian's headless Chromium (through chromedriver), against {@code ./fleetplane
 * up} on the simulator: the viewer logs in with a token made by {@code fleetplane token add}, finds the pushed plan
 * waiting, is refused when pressing apply (the server's 403 in the page), watches a host go Cloning → … → Ready live
 * while the operator applies from the CLI (no reload), sees the planner's consumer groups with their lag and a dead
 * letter appear for a record nobody can read, is refused its replay, and the page never asked anything of another
 * origin than the planner's.
 */
class DashboardBrowserE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofMinutes(3);
    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String VIEWER = "it-viewer";
    private static final String REFUSED = "needs role operator; token " + VIEWER + " has viewer";
    /** A host of examples/hosts.nix that is cloned (dev is adopted). */
    private static final String HOST = "web";

    /** Every URL the page requested, from Chromium's performance log (drained as the story goes). */
    private final List<String> requested = new ArrayList<>();
    private UpStack stack;
    private WebDriver browser;

    @BeforeEach
    void dirs() throws IOException {
        stack = new UpStack("dashboard");
    }

    @AfterEach
    void stopAll() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        stack.close();
    }

    @Test
    void viewer_seesThePlanWait_isRefusedItsApply_watchesTheHostGoReadyLive_seesLagAndADeadLetter_andOnlyThePlanner()
            throws Exception {
        long started = System.nanoTime();
        stack.start(START);
        String planner = stack.address("planner");
        String kafka = stack.address("kafka");
        String origin = URI.create(planner).resolve("/").toString();
        String viewerToken = viewerToken(stack.cli(false, "token", "add", VIEWER, "--roles", "viewer")); // not echoed

        browser = chromium();
        try {
            story(planner, kafka, origin, viewerToken);
        } catch (Throwable t) {
            keepEvidence();
            throw t;
        }
        System.out.printf("[dashboard-e2e] the story took %d s after `up` was started%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    private void story(String planner, String kafka, String origin, String viewerToken) throws Exception {
        // 2. The viewer logs in and is named in the bar.
        browser.get(planner + "/dashboard/");
        script("performance.setResourceTimingBufferSize(10000); window.e2eLoadedOnce = 'yes';");
        awaitVisible("#token").sendKeys(viewerToken);
        browser.findElement(By.cssSelector("#login-button")).click();
        await("#who names " + VIEWER, () -> text("#who").contains(VIEWER));

        // 3. The operator pushes the example fleet (its plans wait for `fleetplane apply`); the viewer finds the plan.
        String pushed = stack.cli("push", "examples/hosts.nix", "--wait");
        Matcher applyLine = Pattern.compile("apply it with: fleetplane apply (\\S+)").matcher(pushed);
        assertTrue(applyLine.find(), "push did not leave a plan waiting for apply:\n" + pushed);
        String planId = applyLine.group(1);

        click("#tabs a[data-view=plans]");
        String planRow = "#view-plans tr[data-plan=\"" + planId + "\"]";
        await("the plans list shows plan " + planId, () -> present(planRow));
        click(planRow);
        await("#view-plan is shown", () -> visible("#view-plan"));
        await("the plan's text says what it adds", () -> text("#view-plan pre.plan").contains("to add"));
        await("who pushed the plan's spec version",
                () -> safeText("#view-plan dd.pushed").matches("(ci|operator)\\b.* at .+"));
        click("#view-plan button.apply");
        await("the server's 403 in #message.error", () -> visible("#message")
                && hasClass("#message", "error") && text("#message").contains(REFUSED));

        // 4. The fleet view follows the host's states live while the operator applies from the CLI.
        click("#tabs a[data-view=fleet]");
        await("#view-fleet is shown", () -> visible("#view-fleet"));
        script("""
                const section = document.getElementById('view-fleet');
                const selector = 'table.hosts tr[data-host="' + arguments[0] + '"] td.state';
                window.e2eStates = [];
                const record = () => {
                  const cell = section.querySelector(selector);
                  const state = cell ? cell.textContent.trim() : null;
                  if (state && window.e2eStates[window.e2eStates.length - 1] !== state) {
                    window.e2eStates.push(state);
                  }
                };
                record();
                new MutationObserver(record).observe(section, { subtree: true, childList: true, characterData: true });
                """, HOST);
        String applied = stack.cli("apply", planId);
        assertTrue(applied.contains("Applied plan " + planId), applied);
        String hostState = "#view-fleet table.hosts tr[data-host=\"" + HOST + "\"] td.state";
        await(HOST + " is Ready in the fleet table", SETTLE, () -> present(hostState)
                && text(hostState).equals("Ready"));
        @SuppressWarnings("unchecked")
        List<String> states = (List<String>) script("return window.e2eStates;");
        assertTrue(states.contains("Cloning") && states.indexOf("Cloning") < states.lastIndexOf("Ready"),
                "the page did not show " + HOST + " Cloning before Ready; it showed " + states);
        System.out.println("[dashboard-e2e] the fleet table showed " + HOST + " as " + String.join(" → ", states));
        assertEquals("yes", script("return window.e2eLoadedOnce;"), "the page was reloaded");
        drainRequests();

        // 5. Topics: the planner's consumer groups with their lag; a record nobody can read becomes a dead letter.
        click("#tabs a[data-view=topics]");
        String plannerGroup = "#view-topics table.groups tr[data-group^=\"planner.\"] td.lag";
        await("the planner's consumer groups with a numeric lag", () -> present(plannerGroup)
                && browser.findElements(By.cssSelector(plannerGroup)).stream()
                        .allMatch(td -> td.getText().strip().matches("\\d[\\d,]*")));
        sendUnreadable(kafka, HOST);
        String deadLetter = "#view-topics table.dead-letters tr.dead-letter[data-topic=\"pve.events.dlq\"]";
        await("a dead letter of pve.events.dlq saying the record could not be read", Duration.ofSeconds(60),
                () -> browser.findElements(By.cssSelector(deadLetter + " td.reason")).stream()
                        .anyMatch(td -> td.getText().contains("not a CloudEvent")));
        // The earlier refusal may still be on the page: empty the box, so the one awaited is the replay's.
        script("document.getElementById('message').textContent = '';");
        // The table is drawn anew every 5 s: find the row and press in one go, again if it was redrawn meanwhile.
        await("Replay pressed on that dead letter", () -> {
            WebElement row = browser.findElements(By.cssSelector(deadLetter)).stream()
                    .filter(tr -> tr.findElement(By.cssSelector("td.reason")).getText().contains("not a CloudEvent"))
                    .findFirst().orElse(null);
            if (row == null) {
                return false;
            }
            row.findElement(By.cssSelector("button.replay")).click();
            return true;
        });
        await("the server's 403 for the replay in #message.error", () -> visible("#message")
                && hasClass("#message", "error") && text("#message").contains(REFUSED));
        assertEquals("yes", script("return window.e2eLoadedOnce;"), "the page was reloaded");

        // 6. Every request the page made went to the planner.
        drainRequests();
        @SuppressWarnings("unchecked")
        List<String> timed = (List<String>) script("return performance.getEntriesByType('resource').map(r => r.name);");
        List<String> all = new ArrayList<>(requested);
        all.addAll(timed);
        assertTrue(all.stream().anyMatch(u -> u.contains("/api/v1/topics")), "no request seen at all? " + all);
        List<String> elsewhere = all.stream().filter(u -> !u.startsWith(origin) && !u.startsWith("data:")).toList();
        assertEquals(List.of(), elsewhere, "the page asked another origin than the planner's " + origin);
        System.out.println("[dashboard-e2e] " + all.size() + " requests, all to " + origin);
    }

    // --- the browser ---

    /** Debian's Chromium, headless, driven through Debian's chromedriver; its performance log lists every request. */
    private static WebDriver chromium() {
        for (Path p : List.of(BROWSER, DRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: the dashboard's browser test needs Debian's chromium"
                        + " and chromium-driver (apt-get install chromium chromium-driver)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL", "performance", "ALL"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(60)).build();
        return new ChromeDriver(service, options);
    }

    /** Moves the URLs of the requests Chromium logged since the last call into {@link #requested}. */
    private void drainRequests() throws IOException {
        for (LogEntry entry : browser.manage().logs().get("performance").getAll()) {
            JsonNode message = JSON.readTree(entry.getMessage()).path("message");
            if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                requested.add(message.path("params").path("request").path("url").asText());
            }
        }
    }

    private void await(String what, Supplier<Boolean> condition) throws Exception {
        await(what, STEP, condition);
    }

    /** Polls {@code condition} every 200 ms until it holds; fails naming {@code what} after {@code timeout}. */
    private void await(String what, Duration timeout, Supplier<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
                last = null;
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                last = e; // the view re-rendered under us: ask again
            }
            Thread.sleep(200);
        }
        fail("not within " + timeout.toSeconds() + " s: " + what + "; #message: '" + safeText("#message") + "'"
                + (last == null ? "" : "; last: " + last.getMessage().lines().findFirst().orElse("")));
    }

    private WebElement awaitVisible(String css) throws Exception {
        await(css + " is visible", () -> visible(css));
        return browser.findElement(By.cssSelector(css));
    }

    private boolean present(String css) {
        return !browser.findElements(By.cssSelector(css)).isEmpty();
    }

    private boolean visible(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    private boolean hasClass(String css, String name) {
        return List.of(browser.findElement(By.cssSelector(css)).getAttribute("class").split("\\s+")).contains(name);
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private String safeText(String css) {
        try {
            return text(css);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private void click(String css) throws Exception {
        awaitVisible(css).click();
    }

    private Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    /** A screenshot and the page's DOM and console in target/, for the failure's reader. */
    private void keepEvidence() {
        try {
            Path out = Path.of("target").toAbsolutePath();
            Files.createDirectories(out);
            Files.write(out.resolve("dashboard-e2e-failure.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            Files.writeString(out.resolve("dashboard-e2e-failure.html"), browser.getPageSource());
            Files.write(out.resolve("dashboard-e2e-failure-console.txt"), browser.manage().logs().get("browser")
                    .getAll().stream().map(e -> e.getLevel() + " " + e.getMessage()).toList());
            System.out.println("[dashboard-e2e] screenshot, DOM and console in " + out);
        } catch (IOException | RuntimeException e) {
            System.out.println("[dashboard-e2e] no screenshot: " + e);
        }
    }

    // --- Kafka ---

    /** One record of garbage bytes on pve.events, keyed by a host: no CloudEvent headers, no JSON. */
    private static void sendUnreadable(String bootstrap, String key) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("pve.events", key,
                    new byte[] {(byte) 0xde, (byte) 0xad, 0x00, (byte) 0xbe, (byte) 0xef, 0x7f})).get(30, TimeUnit.SECONDS);
        }
    }

    // --- the CLI ---

    /** The token {@code fleetplane token add} printed (the one line of 64 hex digits). */
    private static String viewerToken(String output) {
        Matcher m = Pattern.compile("(?m)^\\s*([0-9a-f]{64})\\s*$").matcher(output);
        assertTrue(m.find(), "token add printed no token:\n" + output);
        return m.group(1);
    }
}
