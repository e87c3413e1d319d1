package dev.annals.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The console's files, loaded once from the classpath and looked up by request path.
 *
 * <p>The files are the ones named in {@code assets.list} next to them (one relative path a line): an
 * explicit list, so nothing is found by scanning and nothing outside it can ever be served. Paths are
 * relative to wherever the server mounts the console: {@code "/"} and {@code ""} are
 * {@code index.html}; {@code "/app.js"} is {@code app.js}. A path with a {@code ..}, {@code .} or empty
 * segment, a backslash or a control character finds nothing.
 *
 * <p>Immutable and thread-safe: all bytes are read in the constructor.
 */
public final class ConsoleAssets {

  /** Where the files live on the classpath. */
  static final String ROOT = "dev/annals/console/";

  /** The file listing every asset, relative to {@link #ROOT}. */
  static final String MANIFEST = "assets.list";

  private static final String INDEX = "index.html";

  private static final Map<String, String> CONTENT_TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "json", "application/json",
      "png", "image/png",
      "ico", "image/x-icon",
      "txt", "text/plain; charset=utf-8");

  /**
   * One file: its path relative to the console root, its {@code Content-Type} and its bytes.
   * The bytes are copied in and out, so an {@code Asset} cannot be changed.
   */
  public record Asset(String path, String contentType, byte[] bytes) {
    public Asset {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** The size in bytes. */
    public int length() {
      return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Asset a && a.path.equals(path) && a.contentType.equals(contentType)
          && Arrays.equals(a.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return path.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Asset[" + path + ", " + contentType + ", " + bytes.length + " bytes]";
    }
  }

  private final Map<String, Asset> assets;

  /** Loads the console's files with this class's class loader. */
  public ConsoleAssets() {
    this(ConsoleAssets.class.getClassLoader());
  }

  /**
   * Loads the console's files with {@code loader}.
   *
   * @throws IllegalStateException the manifest or a file it names is missing, or a name has no known type
   */
  public ConsoleAssets(ClassLoader loader) {
    Map<String, Asset> loaded = new LinkedHashMap<>();
    for (String name : manifest(loader)) {
      String type = contentType(name).orElseThrow(
          () -> new IllegalStateException("console asset '" + name + "' has no known content type"));
      loaded.put(name, new Asset(name, type, read(loader, ROOT + name)));
    }
    if (!loaded.containsKey(INDEX)) {
      throw new IllegalStateException("console manifest does not list " + INDEX);
    }
    this.assets = Map.copyOf(loaded);
  }

  /**
   * The asset for a request path relative to the console root ({@code "/"} is {@code index.html}),
   * or empty when there is none or the path is not a plain relative path.
   */
  public Optional<Asset> find(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.isEmpty()) {
      return Optional.of(assets.get(INDEX));
    }
    if (!isPlain(p)) {
      return Optional.empty();
    }
    return Optional.ofNullable(assets.get(p));
  }

  /** The paths of every asset, relative to the console root, sorted. */
  public List<String> paths() {
    return assets.keySet().stream().sorted().toList();
  }

  /** The content type for a file name by its extension, when it is one the console uses. */
  static Optional<String> contentType(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0 || dot == name.length() - 1) {
      return Optional.empty();
    }
    return Optional.ofNullable(CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
  }

  private static boolean isPlain(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' || c == ':') {
        return false;
      }
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static List<String> manifest(ClassLoader loader) {
    String text = new String(read(loader, ROOT + MANIFEST), StandardCharsets.UTF_8);
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("console asset missing from the classpath: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read console asset " + resource, e);
    }
  }
}
