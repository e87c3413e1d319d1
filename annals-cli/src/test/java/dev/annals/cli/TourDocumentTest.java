package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pieces the tour's test reads the tour with: its blocks, shell words, and the diff it shows. */
class TourDocumentTest {

  private static final String DOC = """
      # Title

      ```sh
      curl -s 'http://127.0.0.1:7070/health'
      ```

      <details><summary>output</summary>

      ```json
      {"status": "ok"}
      ```

      </details>

      - a list item:

        ```sh
        ./annals tail --from 3 \\
          --count 1
        ```

        ```text
        line one
        ```
      """;

  @Test
  void each_command_block_is_paired_with_the_output_block_after_it_even_past_html_and_inside_a_list() {
    TourDocument doc = TourDocument.parse(DOC);
    assertThat(doc.steps()).extracting(TourDocument.Step::command, TourDocument.Step::kind, TourDocument.Step::shown)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("curl -s 'http://127.0.0.1:7070/health'", "json", "{\"status\": \"ok\"}\n"),
            org.assertj.core.groups.Tuple.tuple("./annals tail --from 3 \\\n  --count 1", "text", "line one\n"));
    assertThat(doc.steps().get(1).line()).isEqualTo(17);
  }

  @Test
  void a_command_block_without_an_output_block_is_refused_naming_its_line() {
    assertThatThrownBy(() -> TourDocument.parse("text\n\n```sh\n./annals demo\n```\n\nmore text\n"))
        .hasMessageContaining("line 3").hasMessageContaining("./annals demo");
  }

  @Test
  void render_puts_new_output_in_place_of_the_shown_one_and_keeps_everything_else() {
    TourDocument doc = TourDocument.parse(DOC);
    String rendered = doc.render(Map.of(doc.steps().get(1), "line two\n"));
    assertThat(rendered).isEqualTo(DOC.replace("  line one\n", "  line two\n"));
  }

  @Test
  void shell_words_follow_quotes_escapes_and_line_continuations() {
    assertThat(ShellWords.split("curl -s -X POST 'a b' \"c \\\"d\\\"\" e\\ f \\\n  -d '{\"x\": 1}'"))
        .containsExactly("curl", "-s", "-X", "POST", "a b", "c \"d\"", "e f", "-d", "{\"x\": 1}");
  }

  @Test
  void the_diff_marks_lines_only_in_the_tour_with_minus_and_lines_only_printed_with_plus() {
    assertThat(LineDiff.of("a\nb\nc\n", "a\nx\nc\n")).isEqualTo("  a\n- b\n+ x\n  c\n");
  }
}
