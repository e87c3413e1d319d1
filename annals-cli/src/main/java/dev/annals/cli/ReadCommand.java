package dev.annals.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code annals read STREAM}: prints a stream's events. */
@Command(name = "read", description = "Read the events of a stream.")
final class ReadCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "STREAM")
  String stream;

  @Option(names = "--from", paramLabel = "N", defaultValue = "1", description = "First version (default: ${DEFAULT-VALUE}).")
  long from;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Most events (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--data", paramLabel = "DIR", required = true, description = "The data directory.")
  Path dataDir;

  @Option(names = "--json", description = "Print {\"stream\", \"events\", \"next\"} as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (EventStore store = StoreAccess.open(dataDir, false)) {
      Page page = store.readStream(stream, from, Direction.FORWARD, limit);
      if (page.isEmpty() && store.streamVersion(stream) == 0) {
        throw new CliFailure("not_found: stream '" + stream + "' has no events", 2);
      }
      if (json) {
        ObjectNode out = EventJson.MAPPER.createObjectNode();
        out.put("stream", stream);
        ArrayNode events = out.putArray("events");
        page.events().forEach(e -> events.add(EventJson.event(e)));
        if (page.end()) {
          out.putNull("next");
        } else {
          out.put("next", page.next());
        }
        System.out.println(EventJson.MAPPER.writeValueAsString(out));
      } else {
        for (RecordedEvent e : page.events()) {
          System.out.printf("%s v%d @%d %s %s %s%s%n", EventJson.instant(e.recordedAt()), e.version(), e.position(),
              e.type(), e.data(), e.id(), e.metadata().size() > 2 ? " " + e.metadata() : "");
        }
        if (!page.end()) {
          System.out.println("... more from version " + page.next() + " (--from " + page.next() + ")");
        }
      }
    }
    return 0;
  }
}
