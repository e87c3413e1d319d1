package dev.annals.cli;

import dev.annals.cli.DemoHttp.Reply;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code n} {@code annals serve --store URL --module bank --node-name nI} processes on one PostgreSQL store,
 * and plain HTTP to them (an unreachable node answers status -1). Closing stops every process still running.
 */
final class ClusterNodes implements AutoCloseable {

  final List<ServedProcess> processes = new ArrayList<>();
  final List<URI> uris = new ArrayList<>();
  private final DemoHttp http = new DemoHttp();

  ClusterNodes(String storeUrl, int n) throws Exception {
    try {
      for (int i = 1; i <= n; i++) {
        processes.add(new ServedProcess("--store", storeUrl, "--module", "bank", "--node-name", "n" + i));
      }
      for (ServedProcess p : processes) {
        uris.add(p.awaitUri());
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  Reply post(URI node, String path, String body, UUID commandId) {
    return http.command(node, path, body, commandId);
  }

  Reply post(URI node, String path, String body) {
    return http.post(node, path, body);
  }

  Reply get(URI node, String path) {
    return http.get(node, path);
  }

  @Override
  public void close() throws InterruptedException {
    http.close();
    for (ServedProcess p : processes) {
      p.close();
    }
  }
}
