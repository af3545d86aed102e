package dev.fleetplane.console.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.console.ConsoleWorld;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page in a real headless Chromium (Debian's, through chromedriver), served by the gateway under test,
 * over the {@code pve-api} backend to the PVE simulator ({@link ConsoleWorld}, shared with the other console ITs: one
 * Quarkus boot). Alice may write, Rita may only read. Each test's VMs are its own: a serial line, and who is logged
 * in on it, belongs to the VM.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(ConsoleWorld.class)
class ConsoleBrowserIT {

    private static final String SHARED_HOST = "browser-shared";
    private static final int SHARED_VM = 140;
    private static final String RESIZE_HOST = "browser-resize";
    private static final int RESIZE_VM = 141;
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/console/")
    URL console;

    private WebDriver a;
    private WebDriver b;

    @BeforeAll
    static void vms() {
        ConsoleWorld.sim.seed(List.of(SeedVm.vm(SHARED_VM, SHARED_HOST).running(),
                SeedVm.vm(RESIZE_VM, RESIZE_HOST).running()));
    }

    @AfterEach
    void quit() {
        if (a != null) {
            a.quit();
        }
        if (b != null) {
            b.quit();
        }
    }

    @Test
    void writerLogsInAndRunsHostname_aSecondBrowserSeesTheSameOutputReadOnly() {
        a = HeadlessChromium.start();
        ConsolePage alice = new ConsolePage(a).open(console, SHARED_HOST, ConsoleWorld.ALICE);
        alice.awaitBar("alice: you have the keyboard");
        assertTrue(alice.bar().contains(SHARED_HOST + " (VM " + SHARED_VM + " on " + ConsoleWorld.NODE + ")"),
                alice.bar());
        assertTrue(alice.bar().contains("via pve-api"), alice.bar());
        assertTrue(alice.bar().contains("VM line connected"), alice.bar());
        assertTrue(alice.visible("release"), "the writer may give the keyboard up");

        alice.type(Keys.ENTER); // attaching prints nothing: Enter brings getty's prompt, as on a real serial line
        alice.awaitScreen(SHARED_HOST + " login:");
        alice.typeLine("root");
        alice.awaitScreen("Password:");
        alice.typeLine("hunter2");
        alice.awaitScreen("[root@" + SHARED_HOST + ":~]#");
        alice.typeLine("hostname");
        String prompt = "[root@" + SHARED_HOST + ":~]#";
        String answered = prompt + " hostname\n" + SHARED_HOST + "\n" + prompt;
        alice.awaitScreen(answered);
        assertFalse(alice.screen().contains("hunter2"), "the password is not echoed");

        b = HeadlessChromium.start();
        ConsolePage rita = new ConsolePage(b).open(console, SHARED_HOST, ConsoleWorld.RITA);
        rita.awaitBar("read-only: alice has the keyboard");
        rita.awaitScreen(answered); // the scrollback from before she came
        assertFalse(rita.visible("take"), "rita has read access only: no button to take the keyboard");
        assertFalse(rita.visible("release"));
        alice.awaitBar("2 viewers");
        rita.awaitBar("2 viewers");

        // Rita's keys never leave her page: typed before Alice's marker, they would reach the VM's line before it
        rita.typeLine("echo typed-by-rita");
        rita.awaitBar("keys not sent: you are watching");
        alice.typeLine("echo live-from-alice");
        String alicesScreen = alice.awaitScreen("\nlive-from-alice\n" + prompt);
        String ritasScreen = rita.awaitScreen("\nlive-from-alice\n" + prompt);
        assertFalse(alicesScreen.contains("typed-by-rita"), alicesScreen);
        assertFalse(ritasScreen.contains("typed-by-rita"), ritasScreen);
        assertTrue(rita.bar().contains("read-only: alice has the keyboard"), rita.bar());

        alice.click("release");
        alice.awaitBar("read-only: nobody has the keyboard");
        rita.awaitBar("read-only: nobody has the keyboard");
        assertTrue(alice.visible("take"), "alice may take the keyboard back");
        alice.click("take");
        alice.awaitBar("alice: you have the keyboard");
        rita.awaitBar("read-only: alice has the keyboard");
    }

    @Test
    void terminal_followsTheWindowsSize() {
        a = HeadlessChromium.start();
        ConsolePage alice = new ConsolePage(a).open(console, RESIZE_HOST, ConsoleWorld.ALICE);
        alice.awaitBar("alice: you have the keyboard");
        int rows = alice.rows();
        a.manage().window().setSize(new Dimension(1100, 1000));
        new WebDriverWait(a, WAIT).until(d -> alice.rows() > rows);
    }

    @Test
    void unknownToken_isToldInWordsAndAskedForAnother() {
        a = HeadlessChromium.start();
        ConsolePage page = new ConsolePage(a).open(console, SHARED_HOST, "not-a-known-token");

        page.awaitBar("token missing or unknown: unknown token");
        new WebDriverWait(a, WAIT).until(d -> page.visible("login"));
        assertFalse(page.visible("reconnect"), "a new token is needed, not another try with this one");
        assertEquals(null, page.script("return sessionStorage.getItem('fleetplane.console.token')"));
    }

    @Test
    void unknownHost_isToldInWords() {
        a = HeadlessChromium.start();
        ConsolePage page = new ConsolePage(a).open(console, "no-such-host", ConsoleWorld.ALICE);

        page.awaitBar("no such VM: ");
        assertTrue(page.bar().contains("no-such-host"), page.bar());
    }

    @Test
    void page_loadsXtermAndEveryOtherResourceFromTheGatewayItself() {
        a = HeadlessChromium.start();
        ConsolePage page = new ConsolePage(a).open(console, SHARED_HOST, null);

        assertEquals(true, page.script("return typeof window.Terminal === 'function' "
                + "&& typeof window.FitAddon.FitAddon === 'function' "
                + "&& document.querySelector('#terminal .xterm-rows') !== null"),
                "xterm.js, its fit add-on and the DOM renderer's rows should be there");
        List<String> resources = page.loadedResources();
        assertTrue(resources.size() >= 6, () -> "scripts, stylesheets and the module: " + resources);
        String gateway = URI.create(console.toString()).resolve("/").toString();
        for (String resource : resources) {
            assertTrue(resource.startsWith(gateway), () -> resource + " is not served by the gateway " + gateway);
            assertEquals(200, given().get(URI.create(resource)).statusCode(), resource);
        }
        assertTrue(resources.stream().anyMatch(r -> r.contains("/webjars/xterm/")), resources::toString);
        given().get(console).then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'self'"));
        List<String> log = page.browserLog();
        assertTrue(log.stream().noneMatch(line -> line.contains("Content Security Policy")), log::toString);
    }

    @Test
    void page_withoutToken_asksForOne() {
        a = HeadlessChromium.start();
        ConsolePage page = new ConsolePage(a).open(console, SHARED_HOST, null);

        new WebDriverWait(a, WAIT).until(d -> page.visible("login"));
        assertTrue(page.field("login").contains("Console token for " + SHARED_HOST), page.field("login"));
    }

    @Test
    void page_keepsTheTokenFromTheFragmentInTheTabAndTakesItOutOfTheAddress() {
        a = HeadlessChromium.start();
        ConsolePage page = new ConsolePage(a).open(console, RESIZE_HOST, ConsoleWorld.RITA);

        new WebDriverWait(a, WAIT).until(d -> !d.getCurrentUrl().contains("#"));
        assertEquals(console + "?host=" + RESIZE_HOST, a.getCurrentUrl());
        assertEquals(ConsoleWorld.RITA, page.script("return sessionStorage.getItem('fleetplane.console.token')"));
        assertFalse(page.visible("login"));
        page.awaitBar("read-only");
    }

    @Test
    void page_withoutHost_saysHowToOpenIt() {
        a = HeadlessChromium.start();
        a.get(console.toString());
        ConsolePage page = new ConsolePage(a);

        page.awaitBar("no host: open this page as /console/?host=<name>");
    }
}
