package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.FsyncReporting;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The fsync histogram counts what the store reports (HttpApiTest: no such meter over a store that does not). */
class ServerMetricsTest {

  @Test
  void a_store_that_reports_its_fsyncs_gets_an_fsync_latency_histogram() {
    AtomicReference<LongConsumer> listener = new AtomicReference<>();
    FsyncReporting store = listener::set;
    ServerMetrics metrics = new ServerMetrics(() -> 0);
    metrics.bindFsyncs(store);

    listener.get().accept(2_000_000);
    listener.get().accept(4_000_000);

    assertThat(metrics.scrape()).contains("annals_fsync_latency_seconds_count 2")
        .contains("annals_fsync_latency_seconds_sum 0.006")
        .contains("annals_fsync_latency_seconds_bucket");
  }
}
