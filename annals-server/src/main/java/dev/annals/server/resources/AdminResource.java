package dev.annals.server.resources;

import dev.annals.core.EventStore;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.server.auth.Access;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.RequestBodies;
import dev.annals.server.http.Routes;
import dev.annals.server.verify.Verifier;
import dev.annals.server.verify.VerifyReport;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** {@code POST /admin/verify} and {@code POST /admin/import}; admin keys only. Thread-safe. */
public final class AdminResource {

  private final EventStore store;
  private final Verifier verifier;

  public AdminResource(EventStore store, Verifier verifier) {
    this.store = store;
    this.verifier = verifier;
  }

  public void routing(Routes routes) {
    routes.post("/admin/verify", this::verify)
        .post("/admin/import", this::importEvents);
  }

  private void verify(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    Access.admin(x, "verify");
    x.noBody();
    VerifyReport r = verifier.verify();
    x.json(200, g -> {
      g.writeStartObject();
      g.writeBooleanField("ok", r.ok());
      g.writeNumberField("events", r.events());
      if (r.headHash().isPresent()) {
        g.writeStringField("headHash", r.headHash().get());
      } else {
        g.writeNullField("headHash");
      }
      g.writeArrayFieldStart("problems");
      for (String p : r.problems()) {
        g.writeString(p);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private void importEvents(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    Access.admin(x, "import");
    List<ImportEvent> events = RequestBodies.parseImport(x.body());
    ImportResult r = store.importEvents(events);
    x.json(200, g -> {
      g.writeStartObject();
      g.writeNumberField("count", r.count());
      g.writeNumberField("firstPosition", r.firstPosition());
      g.writeNumberField("lastPosition", r.lastPosition());
      g.writeEndObject();
    });
  }
}
