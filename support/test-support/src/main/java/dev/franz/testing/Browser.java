package dev.franz.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the live view's tests (live-view's and demo's): Debian's Chromium, headless, driven
 * through its chromedriver by Selenium. Nothing is downloaded: both come from the packages
 * {@code chromium} and {@code chromium-driver}, which {@code .ci/run} installs when they are missing.
 * Selenium is an optional dependency of test-support: a module that uses this class depends on
 * {@code selenium-java} itself (test scope), and the others do not get it.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("franz.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("franz.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriver driver;
    private final Path profile;
    private String scrolledTo; // the element the next screenshot starts at, once the window has its size

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Browser start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The live view's tests run a real browser: " + CHROMIUM + " and " + CHROMEDRIVER
                    + " are needed (Debian: apt-get install chromium chromium-driver; .ci/run installs them).");
        }
        Path profile = Files.createTempDirectory("franz-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Headless, and as root no sandbox; the rest keeps Chromium from calling Google's hosts
        // (there is no internet here) and from slowing the start with first-run work.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--disable-extensions", "--user-data-dir=" + profile, "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Browser(driver, profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** The text of every element that matches, read in one go (the page redraws as data arrives). */
    @SuppressWarnings("unchecked")
    public List<String> texts(String css) {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
    }

    /** An attribute of every element that matches, read in one go. */
    @SuppressWarnings("unchecked")
    public List<String> attributes(String css, String name) {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))", css, name);
    }

    public int count(String css) {
        return ((Number) driver.executeScript("return document.querySelectorAll(arguments[0]).length", css)).intValue();
    }

    /** The HTML of the first match, for a failure message. */
    public String html(String css) {
        return String.valueOf(driver.executeScript("const e = document.querySelector(arguments[0]); return e && e.outerHTML", css));
    }

    /** Clicks the {@code index}-th match, found and clicked in one go. */
    public void click(String css, int index) {
        driver.executeScript("document.querySelectorAll(arguments[0])[arguments[1]].click()", css, index);
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The text of the first element that matches, or "" if none does yet. */
    public String text(String css) {
        List<String> found = texts(css);
        return found.isEmpty() ? "" : found.get(0);
    }

    public String attribute(String css, String name) {
        List<String> found = attributes(css, name);
        return found.isEmpty() ? null : found.get(0);
    }

    public Object script(String javascript) {
        return driver.executeScript(javascript);
    }

    /** Scrolls so that the first element matching {@code css} is at the top, below the page's sticky header. */
    public void scrollTo(String css) {
        scrolledTo = css;
        driver.executeScript("document.querySelector(arguments[0]).scrollIntoView();"
                + " const header = document.querySelector('header');"
                + " window.scrollBy(0, -(header ? header.offsetHeight + 8 : 70))", css);
    }

    /**
     * Saves a screenshot of the page as {@code target/screenshots/NAME}; with
     * {@code -Dfranz.screenshots=docs} also as {@code docs/images/NAME}, where the docs show it.
     */
    public void screenshot(String name, int height) {
        driver.manage().window().setSize(new Dimension(1400, height));
        if (scrolledTo != null) {
            scrollTo(scrolledTo); // again: a page shorter than the larger window could not scroll that far
            scrolledTo = null;
        }
        Path taken = driver.getScreenshotAs(OutputType.FILE).toPath();
        try {
            Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
            Files.copy(taken, target, StandardCopyOption.REPLACE_EXISTING);
            if ("docs".equals(System.getProperty("franz.screenshots"))) {
                Path docs = Files.createDirectories(Path.of("..", "docs", "images")).resolve(name);
                Files.copy(taken, docs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(new Dimension(1400, 1000));
        }
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var paths = Files.walk(profile)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
