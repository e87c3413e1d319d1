package dev.annals.cli;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.jspecify.annotations.Nullable;

/** {@code annals append STREAM TYPE JSON}: appends one event. */
@Command(name = "append", description = "Append one event to a stream.")
final class AppendCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "STREAM", description = "The stream, e.g. account-42.")
  String stream;

  @Parameters(index = "1", paramLabel = "TYPE", description = "The event type, e.g. Deposited.")
  String type;

  @Parameters(index = "2", paramLabel = "JSON", description = "The event data (any JSON value).")
  String data;

  @Option(names = "--expected", paramLabel = "V", defaultValue = "any",
      description = "Expected version: any, no_stream, exists or a version number (default: ${DEFAULT-VALUE}).")
  String expected;

  @Option(names = "--metadata", paramLabel = "JSON", description = "Event metadata (a JSON object).")
  @Nullable String metadata;

  @Option(names = "--id", paramLabel = "UUID", description = "Event id (a retry with the same id writes nothing).")
  @Nullable UUID id;

  @Option(names = "--effective-at", paramLabel = "T",
      description = "When the fact took effect, if not when it is recorded: a date (start of day UTC), a date-time (UTC)"
          + " or an instant with offset, e.g. 2026-03-15T14:47:00Z.")
  Optional<Instant> effectiveAt;

  @Mixin StoreAccess access;

  @Option(names = "--create", description = "With --data: make a new store if the directory holds none"
      + " (without it, a mistyped --data is an error rather than a new empty store).")
  boolean create;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ExpectedVersion ev = ExpectedVersion.parse(expected);
    EventData event = new EventData(id != null ? id : UUID.randomUUID(), type, Json.of(data),
        metadata == null ? Json.EMPTY_OBJECT : Json.of(metadata), effectiveAt);
    try (EventStore store = access.open(create)) {
      AppendResult r = store.append(stream, ev, event);
      if (json) {
        System.out.println(EventJson.MAPPER.writeValueAsString(EventJson.appendResult(r)));
      } else {
        System.out.printf("appended %s to %s: version %d, position %d, recorded at %s%s%n", type, stream,
            r.lastVersion(), r.lastPosition(), EventJson.instant(r.recordedAt()),
            effectiveAt.map(t -> ", effective " + EventJson.instant(t)).orElse(""));
      }
    }
    return 0;
  }
}
