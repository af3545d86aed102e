package dev.fleetplane.console.web;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console page in one browser, as a person sees and uses it: the status bar, the terminal's rows, the keys. */
final class ConsolePage {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final WebDriver driver;

    ConsolePage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens {@code /console/?host=<host>}, with the token in the fragment when one is given. */
    ConsolePage open(URL consoleUrl, String host, String token) {
        driver.get(consoleUrl + "?host=" + host + (token == null ? "" : "#token=" + token));
        return this;
    }

    WebDriver driver() {
        return driver;
    }

    /** The terminal's visible rows as xterm's DOM renderer draws them, one line each, trailing blanks cut. */
    String screen() {
        Object rows = script("return Array.from(document.querySelectorAll('#terminal .xterm-rows > div'))"
                + ".map(r => r.textContent.replace(/\\u00a0/g, ' ').replace(/\\s+$/, '')).join('\\n');");
        return (String) rows;
    }

    /** How many rows the terminal has now (the fit add-on sets them from the window). */
    int rows() {
        return ((Number) script("return document.querySelectorAll('#terminal .xterm-rows > div').length;")).intValue();
    }

    /** Waits until the terminal shows {@code text}; fails with what it shows instead. */
    String awaitScreen(String text) {
        return awaitScreen(s -> s.contains(text), "'" + text + "'");
    }

    String awaitScreen(Predicate<String> condition, String what) {
        try {
            new WebDriverWait(driver, WAIT).until(d -> condition.test(screen()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the terminal did not show " + what + " within " + WAIT + "; it shows:\n"
                    + screen() + "\nbar: " + bar(), e);
        }
        return screen();
    }

    /** The status bar's text. */
    String bar() {
        return driver.findElement(By.id("bar")).getText();
    }

    /** Waits until the status bar's text contains {@code text}; fails with what it says instead. */
    String awaitBar(String text) {
        try {
            new WebDriverWait(driver, WAIT).until(d -> bar().contains(text));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the status bar did not say '" + text + "' within " + WAIT + "; it says: "
                    + bar(), e);
        }
        return bar();
    }

    String field(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    boolean visible(String id) {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    /** Types into the terminal as a person would: the keys go to xterm's input textarea. */
    void type(CharSequence... keys) {
        WebElement input = driver.findElement(By.cssSelector("#terminal .xterm-helper-textarea"));
        input.sendKeys(keys);
    }

    /** Types a line and Enter. */
    void typeLine(String line) {
        type(line, Keys.ENTER);
    }

    /** The address of every script, stylesheet and other resource the page has loaded. */
    @SuppressWarnings("unchecked")
    List<String> loadedResources() {
        return (List<String>) script("return [...document.querySelectorAll('script[src]')].map(s => s.src)"
                + ".concat([...document.querySelectorAll('link[href]')].map(l => l.href))"
                + ".concat(performance.getEntriesByType('resource').map(r => r.name));");
    }

    /** What the page wrote to the browser's console so far (errors, CSP violations, warnings). */
    List<String> browserLog() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage()).toList();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }
}
