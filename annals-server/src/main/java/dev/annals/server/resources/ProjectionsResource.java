package dev.annals.server.resources;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.server.auth.Access;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.Routes;
import dev.annals.server.http.WireJson;
import dev.annals.server.projections.AsOf;
import dev.annals.server.projections.AsOfQueries;
import dev.annals.server.projections.ProjectionHost;
import dev.annals.server.projections.ProjectionSnapshot;
import dev.annals.server.projections.ProjectionSupervisor;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * The hosted projections (docs/http-api.md): {@code GET /projections} and {@code GET /projections/{name}}
 * (status, lag, rebuild progress; any key), {@code POST /projections/{name}/rebuild} and
 * {@code POST /projections/{name}/promote} (admins), and the modules' query routes
 * {@code GET /projections/{name}/{query}} (a key covering all streams: a read model mixes streams).
 * Each status is the supervisor's typed {@link ProjectionSnapshot}, turned into JSON here ({@link #write}); reading one
 * starts nothing. Thread-safe (the host is).
 */
public final class ProjectionsResource {

  private final ProjectionHost host;

  public ProjectionsResource(ProjectionHost host) {
    this.host = host;
  }

  public void routing(Routes routes) {
    routes.get("/projections", this::list)
        .get("/projections/{name}", this::one)
        .post("/projections/{name}/rebuild", this::rebuild)
        .post("/projections/{name}/promote", this::promote)
        .get("/projections/{name}/{query}", this::query);
  }

  private void list(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    var all = host.list();
    x.json(200, g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("projections");
      for (ProjectionSnapshot v : all) {
        write(g, v);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private void one(Exchange x) throws Exception {
    x.allowOnly(Set.of());
    ProjectionSnapshot v = call(() -> host.status(x.path("name")));
    x.json(200, g -> write(g, v));
  }

  private void rebuild(Exchange x) throws Exception {
    Access.admin(x, "starting a rebuild");
    x.noBody();
    x.allowOnly(Set.of());
    ProjectionSnapshot v = call(() -> host.rebuild(x.path("name")));
    x.json(202, g -> write(g, v));
  }

  private void promote(Exchange x) throws Exception {
    Access.admin(x, "promoting a rebuild");
    x.allowOnly(Set.of());
    String name = x.path("name");
    call(() -> host.status(name)); // 404 before reading a body for an unknown name
    boolean requireIdentical = x.optionalBody().map(ProjectionsResource::requireIdentical).orElse(false);
    ProjectionSnapshot v = call(() -> host.promote(name, requireIdentical));
    x.json(200, g -> write(g, v));
  }

  /** The promote body: {@code {}} or {@code {"requireIdentical": true|false}}. */
  private static boolean requireIdentical(byte[] body) {
    boolean value = false;
    try (JsonParser p = WireJson.parser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw HttpError.invalid("the promote body must be a JSON object, e.g. {\"requireIdentical\": true}");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!field.equals("requireIdentical")) {
          throw HttpError.invalid("unknown field '" + WireJson.abbreviate(field) + "' in the promote body; allowed: requireIdentical");
        }
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw HttpError.invalid("requireIdentical must be true or false");
        }
        value = t == JsonToken.VALUE_TRUE;
      }
      if (p.nextToken() != null) {
        throw HttpError.invalid("unexpected content after the promote body");
      }
    } catch (IOException e) {
      throw HttpError.invalid("malformed JSON: " + WireJson.abbreviate(e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage())));
    }
    return value;
  }

  /**
   * A module's query over the live read model, or, with {@code position}, {@code knownAt} and/or
   * {@code validAt} (reserved: never passed to the module), over the live version's code built as of
   * that moment (the three time questions of docs/time.md, as on {@code /streams/{s}/state}). Such an answer says
   * the build's cut in the headers {@code Annals-As-Of-Position} and {@code Annals-As-Of-Applied}, and
   * the events the projection failed on (left out, never silently) in {@code Annals-As-Of-Parked}.
   */
  private void query(Exchange x) throws Exception {
    Access.allStreams(x, "a projection query");
    Map<String, String> params = new LinkedHashMap<>(x.queryParams());
    String name = x.path("name");
    String query = x.path("query");
    Optional<AsOf> asOf = asOf(x);
    AS_OF_PARAMS.forEach(params::remove);
    Optional<Long> minPosition = minPosition(x, asOf.isPresent());
    Duration wait = waitParam(x, minPosition.isPresent());
    CONSISTENCY_PARAMS.forEach(params::remove);
    if (minPosition.isPresent()) {
      awaitApplied(x, name, minPosition.get(), wait);
    }
    var body = call(() -> {
      try {
        if (asOf.isPresent()) {
          AsOfQueries.Answer a = host.queryAsOf(name, query, params, asOf.get());
          x.header(AS_OF_POSITION, Long.toString(a.position()));
          x.header(AS_OF_APPLIED, Long.toString(a.applied()));
          if (!a.parked().isEmpty()) {
            x.header(AS_OF_PARKED, a.parked().stream().limit(100).map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(",")));
          }
          return a.body();
        }
        return host.query(name, query, params);
      } catch (IllegalArgumentException e) {
        throw HttpError.invalid(e.getMessage());
      } catch (NoSuchElementException e) { // the module's query found nothing
        throw HttpError.notFound(e.getMessage());
      } catch (AsOfQueries.UnavailableException e) {
        x.header(org.eclipse.jetty.http.HttpHeader.RETRY_AFTER, "5");
        throw new HttpError(503, "unavailable", e.getMessage());
      }
    });
    x.json(200, g -> g.writeRawValue(body.toString()));
  }

  private static final Set<String> AS_OF_PARAMS = Set.of("position", "knownAt", "validAt");
  /** Read-your-writes: answer once the live version has applied {@code minPosition}, waiting up to {@code wait}. */
  private static final Set<String> CONSISTENCY_PARAMS = Set.of("minPosition", "wait");
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);
  static final Duration MAX_WAIT = Duration.ofSeconds(30);
  private static final java.util.regex.Pattern WAIT = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s)");

  private Optional<Long> minPosition(Exchange x, boolean asOf) {
    Optional<String> raw = x.query("minPosition");
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    if (asOf) {
      throw HttpError.invalid("minPosition waits for the live read model; an as-of answer (position, knownAt,"
          + " validAt) is built at its moment: give one or the other");
    }
    long p;
    try {
      p = Long.parseLong(raw.get());
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 0) {
      throw HttpError.invalid("minPosition must be a position (a whole number >= 0), was '"
          + WireJson.abbreviate(raw.get()) + "'");
    }
    long head = host.headPosition();
    if (p > head) {
      throw HttpError.invalid("minPosition " + p + " is past the log's head " + head);
    }
    return Optional.of(p);
  }

  private static Duration waitParam(Exchange x, boolean withMinPosition) {
    Optional<String> raw = x.query("wait");
    if (raw.isEmpty()) {
      return DEFAULT_WAIT;
    }
    if (!withMinPosition) {
      throw HttpError.invalid("wait goes with minPosition (how long to wait for the read model to apply it)");
    }
    java.util.regex.Matcher m = WAIT.matcher(raw.get());
    if (!m.matches()) {
      throw HttpError.invalid("wait must be a duration such as 500ms or 5s (at most " + MAX_WAIT.toSeconds()
          + "s), was '" + WireJson.abbreviate(raw.get()) + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
    if (d.compareTo(MAX_WAIT) > 0) {
      throw HttpError.invalid("wait is at most " + MAX_WAIT.toSeconds() + "s, was " + raw.get());
    }
    return d;
  }

  private void awaitApplied(Exchange x, String name, long minPosition, Duration wait) throws Exception {
    boolean applied = call(() -> host.awaitPosition(name, minPosition, wait));
    if (!applied) {
      long at = call(() -> host.status(name)).position();
      x.header(org.eclipse.jetty.http.HttpHeader.RETRY_AFTER, "1");
      throw new HttpError(503, "not_caught_up", "projection " + name + " has applied up to position " + at
          + ", not yet " + minPosition + ", after waiting " + wait.toMillis() + " ms; ask again",
          Map.of("position", at, "minPosition", minPosition));
    }
  }
  static final String AS_OF_POSITION = "Annals-As-Of-Position";
  static final String AS_OF_APPLIED = "Annals-As-Of-Applied";
  /** Positions (up to 100) of events the projection failed on in the build, left out of the answer. */
  static final String AS_OF_PARKED = "Annals-As-Of-Parked";

  /** The moment asked for by the reserved parameters, if any; the same rules as the state route's. */
  private Optional<AsOf> asOf(Exchange x) {
    Optional<String> position = x.query("position");
    Optional<java.time.Instant> knownAt = x.queryInstant("knownAt");
    Optional<java.time.Instant> validAt = x.queryInstant("validAt");
    if (position.isPresent() && (knownAt.isPresent() || validAt.isPresent())) {
      throw HttpError.invalid("give position, or knownAt and/or validAt, not both");
    }
    if (position.isPresent()) {
      long p = x.queryLong("position", 0, 0);
      long head = host.headPosition();
      if (p > head) {
        throw HttpError.invalid("position " + p + " is past the log's head " + head);
      }
      return Optional.of(new AsOf.AtPosition(p));
    }
    if (validAt.isPresent()) {
      return Optional.of(new AsOf.ValidAt(validAt.get(), knownAt.orElse(java.time.Instant.MAX)));
    }
    return knownAt.map(AsOf.KnownAt::new);
  }

  @FunctionalInterface
  private interface HostCall<T> {
    T call() throws Exception;
  }

  /** Maps the host's refusals to 404 and 400. */
  private static <T> T call(HostCall<T> c) throws Exception {
    try {
      return c.call();
    } catch (ProjectionSupervisor.UnknownProjectionException e) {
      throw HttpError.notFound(e.getMessage());
    } catch (ProjectionSupervisor.RefusedException e) {
      throw HttpError.invalid(e.getMessage());
    } catch (ProjectionSupervisor.NotRunningException e) {
      throw new HttpError(503, "unavailable", e.getMessage());
    }
  }

  /** The JSON view of a snapshot: the body of {@code GET /projections/{name}} and one entry of the list. */
  static void write(JsonGenerator g, ProjectionSnapshot v) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", v.name());
    g.writeNumberField("version", v.version());
    g.writeFieldName("nextVersion");
    if (v.nextVersion().isPresent()) {
      g.writeNumber(v.nextVersion().get());
    } else {
      g.writeNull();
    }
    g.writeStringField("status", wire(v.status()));
    g.writeBooleanField("live", true); // the version shown is the live one
    g.writeNumberField("position", v.position());
    g.writeNumberField("head", v.head());
    g.writeNumberField("lagEvents", v.lagEvents());
    g.writeNumberField("lagSeconds", v.lagSeconds());
    g.writeNumberField("parked", v.parked());
    writeOptionalString(g, "lastError", v.lastError());
    writeOptionalString(g, "runningOn", v.runningOn());
    g.writeFieldName("rebuild");
    if (v.rebuild().isEmpty()) {
      g.writeNull();
    } else {
      ProjectionSnapshot.Rebuild r = v.rebuild().get();
      g.writeStartObject();
      g.writeNumberField("version", r.version());
      g.writeStringField("status", wire(r.status()));
      g.writeNumberField("eventsDone", r.eventsDone());
      g.writeNumberField("eventsToGo", r.eventsToGo());
      g.writeNumberField("eventsPerSecond", Math.round(r.eventsPerSecond() * 10) / 10.0);
      g.writeFieldName("etaSeconds");
      if (r.eta().isPresent()) {
        g.writeNumber(r.eta().get().toMillis() / 1000.0);
      } else {
        g.writeNull();
      }
      g.writeBooleanField("caughtUp", r.caughtUp());
      g.writeFieldName("comparison");
      if (r.comparison().isEmpty()) {
        g.writeNull();
      } else {
        writeComparison(g, r.comparison().get());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** A status as the JSON spells it: {@code catching_up}, {@code ready}, ... */
  private static String wire(Enum<?> status) {
    return status.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static void writeComparison(JsonGenerator g, Comparison c) throws IOException {
    g.writeStartObject();
    g.writeBooleanField("identical", c.identical());
    g.writeArrayFieldStart("tables");
    for (Comparison.TableComparison t : c.tables()) {
      g.writeStartObject();
      g.writeStringField("table", t.table());
      g.writeNumberField("liveRows", t.liveRows());
      g.writeNumberField("shadowRows", t.shadowRows());
      g.writeArrayFieldStart("onlyInLive");
      for (String row : t.onlyInLive()) {
        g.writeString(row);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("onlyInShadow");
      for (String row : t.onlyInShadow()) {
        g.writeString(row);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeOptionalString(JsonGenerator g, String field, Optional<String> value) throws IOException {
    if (value.isPresent()) {
      g.writeStringField(field, value.get());
    } else {
      g.writeNullField(field);
    }
  }
}
