package dev.annals.console;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleAssetsTest {

  private final ConsoleAssets assets = new ConsoleAssets();

  @Test
  void root_path_is_the_index_page() {
    var index = assets.find("/").orElseThrow();

    assertThat(index.path()).isEqualTo("index.html");
    assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(new String(index.bytes(), UTF_8)).contains("<title>Annals console</title>", "/console/app.js");
    assertThat(assets.find("")).contains(index);
    assertThat(assets.find("/index.html")).contains(index);
  }

  @Test
  void content_types_follow_the_file_extension() {
    assertThat(assets.find("/app.js").orElseThrow().contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(assets.find("/styles.css").orElseThrow().contentType()).isEqualTo("text/css; charset=utf-8");
    assertThat(assets.find("/favicon.svg").orElseThrow().contentType()).isEqualTo("image/svg+xml");
    assertThat(assets.find("page-stream.js").orElseThrow().contentType()).isEqualTo("text/javascript; charset=utf-8");
  }

  @Test
  void paths_that_climb_out_or_are_not_plain_find_nothing() {
    for (String hostile : List.of("/../pom.xml", "..", "/..", "/./app.js", "/a/../app.js", "/console/../../etc/passwd",
        "//app.js", "/app.js/", "\\app.js", "/..\\app.js", "/%2e%2e/app.js", "/app.js\u0000", "/C:/app.js",
        "/dev/annals/console/ConsoleAssets.class", "/assets.list")) {
      assertThat(assets.find(hostile)).as(hostile).isEmpty();
    }
  }

  @Test
  void unknown_path_finds_nothing() {
    assertThat(assets.find("/nope.js")).isEmpty();
    assertThat(assets.find("/streams")).isEmpty();
    assertThat(assets.find("/APP.JS")).isEmpty();
  }

  @Test
  void asset_bytes_cannot_be_changed_through_the_accessor() {
    var app = assets.find("/app.js").orElseThrow();
    byte[] copy = app.bytes();
    copy[0] = 'X';

    assertThat(app.bytes()[0]).isNotEqualTo((byte) 'X');
    assertThat(assets.find("/app.js").orElseThrow().bytes()).isEqualTo(app.bytes()).hasSize(app.length());
  }

  @Test
  void manifest_lists_exactly_the_files_of_the_console_directory() throws IOException {
    Path dir = Path.of("src/main/resources", ConsoleAssets.ROOT);
    try (Stream<Path> files = Files.walk(dir)) {
      List<String> onDisk = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.equals(ConsoleAssets.MANIFEST)).sorted().toList();
      assertThat(assets.paths()).containsExactlyElementsOf(onDisk);
    }
  }

  @Test
  void every_module_the_pages_import_is_served() {
    for (String path : assets.paths()) {
      if (!path.endsWith(".js")) {
        continue;
      }
      String js = new String(assets.find(path).orElseThrow().bytes(), UTF_8);
      var imports = java.util.regex.Pattern.compile("from '\\./([^']+)'").matcher(js);
      while (imports.find()) {
        assertThat(assets.find(imports.group(1))).as(path + " imports " + imports.group(1)).isPresent();
      }
    }
  }

  @Test
  void nothing_is_loaded_from_another_origin() {
    for (String path : assets.paths()) {
      String text = new String(assets.find(path).orElseThrow().bytes(), UTF_8);
      assertThat(text).as(path).doesNotContainPattern("(src|href)=\"https?://").doesNotContain("from 'http").doesNotContain("@import url(http");
    }
  }

  @Test
  void a_manifest_naming_a_missing_file_fails_at_construction(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve(ConsoleAssets.ROOT);
    Files.createDirectories(root);
    Files.writeString(root.resolve(ConsoleAssets.MANIFEST), "index.html\ngone.js\n");
    Files.writeString(root.resolve("index.html"), "<!doctype html>");
    try (var loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> new ConsoleAssets(loader)).isInstanceOf(IllegalStateException.class).hasMessageContaining("gone.js");
    }
  }

  @Test
  void a_file_of_unknown_type_fails_at_construction(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve(ConsoleAssets.ROOT);
    Files.createDirectories(root);
    Files.writeString(root.resolve(ConsoleAssets.MANIFEST), "index.html\nrun.sh\n");
    Files.writeString(root.resolve("index.html"), "<!doctype html>");
    Files.writeString(root.resolve("run.sh"), "echo");
    try (var loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> new ConsoleAssets(loader)).isInstanceOf(IllegalStateException.class).hasMessageContaining("run.sh");
    }
  }
}
