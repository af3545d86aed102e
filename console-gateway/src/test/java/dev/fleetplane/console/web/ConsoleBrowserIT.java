package dev.fleetplane.console.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console page in a real headless Chromium (Debian's, through chromedriver), served by the gateway under test. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class ConsoleBrowserIT {

    @TestHTTPResource("/console/")
    URL console;

    private WebDriver a;

    @AfterEach
    void quit() {
        if (a != null) {
            a.quit();
        }
    }

    @Test
    void page_loadsXtermAndEveryOtherResourceFromTheGatewayItself() {
        a = HeadlessChromium.start();
        ConsolePage page = new ConsolePage(a).open(console, "web1", null);

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
        ConsolePage page = new ConsolePage(a).open(console, "web1", null);

        new WebDriverWait(a, Duration.ofSeconds(10))
                .until(d -> page.visible("login"));
        assertTrue(page.field("login").contains("Console token for web1"), page.field("login"));
    }

    @Test
    void page_keepsTheTokenFromTheFragmentInTheTabAndTakesItOutOfTheAddress() {
        a = HeadlessChromium.start();
        ConsolePage page = new ConsolePage(a).open(console, "web1", "t0ken-from-fragment");

        new WebDriverWait(a, Duration.ofSeconds(10))
                .until(d -> !d.getCurrentUrl().contains("#"));
        assertEquals(console + "?host=web1", a.getCurrentUrl());
        assertEquals("t0ken-from-fragment", page.script("return sessionStorage.getItem('fleetplane.console.token')"));
        assertFalse(page.visible("login"));
    }

    @Test
    void page_withoutHost_saysHowToOpenIt() {
        a = HeadlessChromium.start();
        a.get(console.toString());
        ConsolePage page = new ConsolePage(a);

        page.awaitBar("no host: open this page as /console/?host=<name>");
    }
}
