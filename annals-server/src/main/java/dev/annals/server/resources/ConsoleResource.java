package dev.annals.server.resources;

import dev.annals.console.ConsoleAssets;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.Routes;
import dev.annals.server.http.WireJson;

/**
 * The web console (annals-console): {@code GET /} is its page, {@code GET /console/{file}} its scripts
 * and styles. Public even with an auth file — the page holds no data, and the operator types the API
 * key into it; every API call it makes then carries the key. Thread-safe.
 */
public final class ConsoleResource {

  private final ConsoleAssets assets;

  public ConsoleResource(ConsoleAssets assets) {
    this.assets = assets;
  }

  public void routing(Routes routes) {
    routes.getPublic("/", x -> serve(x, "/"))
        .getPublic("/console/{file}", x -> serve(x, x.path("file")));
  }

  private void serve(Exchange x, String path) {
    ConsoleAssets.Asset asset = assets.find(path)
        .orElseThrow(() -> HttpError.notFound("no console file '" + WireJson.abbreviate(path) + "'"));
    x.send(200, asset.contentType(), asset.bytes());
  }
}
