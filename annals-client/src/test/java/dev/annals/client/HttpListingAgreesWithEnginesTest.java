package dev.annals.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listing over HTTP lists exactly what the store behind the server lists, for any name and query. */
class HttpListingAgreesWithEnginesTest {

  private static final List<String> AWKWARD = List.of("a b-1", "a+b-1", "a&b-1", "a%b-1", "a=b-1", "a?b-1",
      "a#b-1", "\u00e9t\u00e9-1", "\uD83D\uDE00-1", "plain-1", "plain-2", "-dashed", "-other-1");

  private LiveServer live;

  @BeforeEach
  void start() throws Exception {
    live = new LiveServer();
    for (String s : AWKWARD) {
      live.backing.append(s, ExpectedVersion.ANY, EventData.of("Happened", "{}"));
    }
  }

  @AfterEach
  void stop() throws Exception {
    live.close();
  }

  @Test
  void names_needing_percent_encoding_are_listed_as_the_engine_lists_them() {
    assertThat(live.client.listStreams(StreamQuery.all(), 100))
        .isEqualTo(live.backing.listStreams(StreamQuery.all(), 100));
    for (String s : AWKWARD) {
      String prefix = s.substring(0, s.length() - 1);
      assertThat(live.client.listStreams(StreamQuery.prefix(prefix), 100)).as(prefix)
          .isEqualTo(live.backing.listStreams(StreamQuery.prefix(prefix), 100));
      assertThat(live.client.listStreams(StreamQuery.all().withCategory(prefix.substring(0, prefix.length() - 1)), 100))
          .as("category of " + s)
          .isEqualTo(live.backing.listStreams(StreamQuery.all().withCategory(prefix.substring(0, prefix.length() - 1)), 100));
    }
  }

  @Test
  void paging_with_the_last_name_listed_walks_every_awkward_name_once() {
    List<StreamInfo> walked = new ArrayList<>();
    StreamQuery q = StreamQuery.all();
    while (true) {
      List<StreamInfo> page = live.client.listStreams(q, 1);
      if (page.isEmpty()) {
        break;
      }
      walked.addAll(page);
      q = StreamQuery.all().startingAfter(page.getLast().stream());
    }
    assertThat(walked).isEqualTo(live.backing.listStreams(StreamQuery.all(), 100));
  }

  @Test
  void an_empty_category_lists_the_names_starting_with_a_dash_as_the_engine_does() {
    assertThat(live.client.listStreams(StreamQuery.all().withCategory(""), 100))
        .isEqualTo(live.backing.listStreams(StreamQuery.all().withCategory(""), 100))
        .extracting(StreamInfo::stream).containsExactly("-dashed", "-other-1");
    assertThat(live.client.listStreams(StreamQuery.prefix("-o").withCategory(""), 100))
        .isEqualTo(live.backing.listStreams(StreamQuery.prefix("-o").withCategory(""), 100));
    assertThat(live.client.listStreams(StreamQuery.prefix("plain").withCategory(""), 100))
        .isEqualTo(live.backing.listStreams(StreamQuery.prefix("plain").withCategory(""), 100)).isEmpty();
  }

  @Test
  void an_empty_after_selects_as_the_engine_selects() {
    assertThat(live.client.listStreams(StreamQuery.all().startingAfter(""), 100))
        .isEqualTo(live.backing.listStreams(StreamQuery.all().startingAfter(""), 100));
  }

  @Test
  void an_after_before_the_prefix_lists_from_the_prefix() {
    assertThat(live.client.listStreams(StreamQuery.prefix("plain").startingAfter("a"), 100))
        .isEqualTo(live.backing.listStreams(StreamQuery.prefix("plain").startingAfter("a"), 100))
        .extracting(StreamInfo::stream).containsExactly("plain-1", "plain-2");
  }
}
