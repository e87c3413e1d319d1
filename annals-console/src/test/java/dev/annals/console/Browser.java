package dev.annals.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium, for the console's browser tests: Debian's {@code chromium} and
 * {@code chromium-driver} at fixed paths, so Selenium Manager never downloads anything. Without them a
 * test is skipped with a message naming what is missing — or fails, when the environment variable
 * {@code ANNALS_REQUIRE_BROWSER=1} (set by .ci/run) or the system property
 * {@code annals.browser.required=true} says the machine must have them.
 *
 * <p>One instance per test class; not thread-safe.
 */
public final class Browser implements AutoCloseable {

  /** Debian's Chromium; -Dannals.chromium=PATH points elsewhere. */
  public static final Path CHROMIUM = Path.of(System.getProperty("annals.chromium", "/usr/bin/chromium"));
  /** Debian's chromedriver; -Dannals.chromedriver=PATH points elsewhere. */
  public static final Path CHROMEDRIVER = Path.of(System.getProperty("annals.chromedriver", "/usr/bin/chromedriver"));
  /** Where screenshots go: target/console-screenshots/ of the module running the tests. */
  public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips (or fails, when required) the calling test unless Chromium and its driver are installed. */
  public static void assumeChromium() {
    List<String> missing = Stream.of(CHROMIUM, CHROMEDRIVER).filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
    if (missing.isEmpty()) {
      return;
    }
    String message = "BROWSER TESTS SKIPPED: missing " + String.join(" and ", missing)
        + " (install Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver; .ci/run does)";
    System.err.println("*** " + message + " ***");
    if (browserRequired()) {
      Assertions.fail(message + " — and this machine must run them (ANNALS_REQUIRE_BROWSER=1 or -Dannals.browser.required=true)");
    }
    Assumptions.assumeTrue(false, message);
  }

  /** CI sets ANNALS_REQUIRE_BROWSER=1 (.ci/run): there a missing browser fails the build instead of skipping. */
  static boolean browserRequired() {
    return "1".equals(System.getenv("ANNALS_REQUIRE_BROWSER")) || Boolean.getBoolean("annals.browser.required");
  }

  /** Starts a fresh headless Chromium with an empty profile. */
  public static Browser start() {
    assumeChromium();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Path profile;
    try {
      profile = Files.createTempDirectory("annals-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1280,1000", "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
      return new Browser(service, driver, profile);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw e;
    }
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits up to 20 s (the machine may be busy) for a condition (a function returning a non-null, non-false value), looking again when the page re-renders. */
  public <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50))
        .ignoring(StaleElementReferenceException.class) // pages re-render: look again
        .ignoring(NoSuchElementException.class)
        .until(condition);
  }

  /** Clicks the element matching {@code css} once it exists, looking again if the page re-renders under it. */
  public void click(String css) {
    until(d -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  /** Waits until an element matching {@code css} exists and returns it. */
  public WebElement await(String css) {
    return until(d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(0);
    });
  }

  /** Waits until the element matching {@code css} contains {@code text} and returns its text. */
  public String awaitText(String css, String text) {
    return until(d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return !found.isEmpty() && found.get(0).getText().contains(text) ? found.get(0).getText() : null;
    });
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Sets a range input's value and fires 'input', as a user dragging it would. */
  public void slide(String css, int value) {
    js("const s = document.querySelector(arguments[0]); s.value = String(arguments[1]);"
        + " s.dispatchEvent(new Event('input', {bubbles: true}));", css, value);
  }

  /**
   * The page's JavaScript errors since the last call (uncaught exceptions, console.error), leaving out
   * the browser's own "Failed to load resource" lines for HTTP errors the pages show on purpose.
   */
  public List<String> javascriptErrors() {
    return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .map(org.openqa.selenium.logging.LogEntry::getMessage)
        .filter(m -> !m.contains("Failed to load resource"))
        .toList();
  }

  /** Saves a PNG of the window under target/console-screenshots/{name}.png. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp profile is harmless
    }
  }
}
