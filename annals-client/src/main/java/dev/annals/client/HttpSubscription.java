package dev.annals.client;

import dev.annals.core.EventHandler;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A subscription over Server-Sent Events, on its own virtual thread. It delivers each event once, in
 * order, and after a dropped connection (or a server restart) reconnects with {@code Last-Event-ID} set
 * to the last delivered id, backing off up to 5 s; a refusal (4xx) or a handler exception stops it
 * with that failure. Thread-safe.
 */
final class HttpSubscription implements Subscription {

  private final HttpEventStore client;
  private final String path;
  private final String filterQuery;
  private final EventHandler handler;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile long cursor;
  private volatile boolean stopRequested;
  private volatile boolean inHandler;
  private volatile Throwable failure;
  private volatile InputStream body;
  private Thread thread;

  HttpSubscription(HttpEventStore client, String path, String filterQuery, long from, EventHandler handler) {
    this.client = client;
    this.path = path;
    this.filterQuery = filterQuery;
    this.handler = handler;
    this.cursor = from;
  }

  void start(Runnable onStop) {
    thread = Thread.ofVirtual().name("annals-http-sub").start(() -> {
      try {
        run();
      } finally {
        stopped.countDown();
        onStop.run();
      }
    });
  }

  private void run() {
    long backoffMillis = 100;
    while (!stopRequested) {
      try {
        HttpRequest request = client.request(path + "?from=" + cursor + filterQuery)
            .header("Accept", "text/event-stream")
            .GET().build();
        HttpResponse<InputStream> r = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
          byte[] err = r.body().readAllBytes();
          RuntimeException e = WireFormat.error(r.statusCode(), err);
          if (r.statusCode() / 100 == 4) {
            failure = e;
            return;
          }
          throw new IOException("HTTP " + r.statusCode());
        }
        body = r.body();
        if (stopRequested) {
          return;
        }
        backoffMillis = 100;
        if (read(r.body())) {
          return;
        }
      } catch (HandlerFailed e) {
        failure = e.getCause();
        return;
      } catch (IOException | RuntimeException e) {
        if (stopRequested) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(backoffMillis);
      } catch (InterruptedException e) {
        return;
      }
      backoffMillis = Math.min(5_000, backoffMillis * 2);
    }
  }

  /** A handler's exception, carried out of the read loop. */
  private static final class HandlerFailed extends Exception {
    HandlerFailed(Throwable cause) {
      super(cause);
    }
  }

  /** Reads messages until the stream ends; true when the subscription is to stop. */
  private boolean read(InputStream in) throws IOException, HandlerFailed {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String event = null;
      long id = -1;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = lines.readLine()) != null) {
        if (stopRequested) {
          return true;
        }
        if (line.isEmpty()) {
          if (data.length() > 0 || event != null) {
            dispatch(event, id, data.toString());
          }
          event = null;
          id = -1;
          data.setLength(0);
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(field(line, 5));
        } else if (line.startsWith("id:")) {
          id = Long.parseLong(field(line, 3));
        } else if (line.startsWith("event:")) {
          event = field(line, 6);
        }
      }
    }
    return stopRequested;
  }

  private static String field(String line, int at) {
    return line.length() > at && line.charAt(at) == ' ' ? line.substring(at + 1) : line.substring(at);
  }

  private void dispatch(String event, long id, String data) throws HandlerFailed {
    if (event == null) {
      RecordedEvent e = WireFormat.event(data.getBytes(StandardCharsets.UTF_8));
      if (stopRequested) {
        return;
      }
      inHandler = true;
      try {
        handler.onEvent(e);
      } catch (Exception | Error t) {
        throw new HandlerFailed(t);
      } finally {
        inHandler = false;
      }
      cursor = id + 1;
    } else if (event.equals("caught-up")) {
      WireFormat.Reply r = WireFormat.parse(data.getBytes(StandardCharsets.UTF_8));
      handler.onCaughtUp(r.number("next"));
    }
    // "shutdown" and "error" end the stream; the loop reconnects from the cursor.
  }

  @Override
  public void close() {
    stopRequested = true;
    InputStream b = body;
    if (b != null) {
      try {
        b.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
    }
    if (thread != null && Thread.currentThread() != thread) {
      try {
        while (!stopped.await(100, TimeUnit.MILLISECONDS)) {
          if (!inHandler) {
            thread.interrupt();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public long cursor() {
    return cursor;
  }

  @Override
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
