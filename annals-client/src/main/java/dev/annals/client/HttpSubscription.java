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
import org.jspecify.annotations.Nullable;

/**
 * A subscription over Server-Sent Events, on its own virtual thread. It delivers each event once, in
 * order, and after a dropped connection (or a server restart, or a connection silent for longer than
 * the client's idle limit, which the server's heartbeats prevent) reconnects from the last delivered
 * event, backing off up to 5 s (and as long as a 429's {@code Retry-After} asks). What retrying cannot
 * mend stops it with that failure: a refusal (any other 4xx, or an {@code error} event other than
 * {@code too_slow} and {@code unavailable}), an event the client cannot read, or a handler exception
 * (from {@code onEvent} or {@code onCaughtUp}). Thread-safe.
 */
final class HttpSubscription implements Subscription {

  private final HttpEventStore client;
  private final String path;
  private final String filterQuery;
  private final EventHandler handler;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile long cursor;
  private volatile boolean stopRequested;
  private volatile @Nullable Throwable failure;
  /** The current connection's body; null between connections. */
  private volatile @Nullable InputStream body;
  /** When the current connection last delivered a line (a heartbeat counts). */
  private volatile long lastActivityNanos;
  /** True while the thread waits in a request or a back-off, where close() may interrupt it. */
  private boolean waiting;
  private final Object waitLock = new Object();
  private @Nullable Thread thread;

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
    Thread.ofVirtual().name("annals-http-sub-watchdog").start(this::watchIdle);
  }

  /** Drops a connection that has said nothing (not even a heartbeat) for the client's idle limit; run() reconnects. */
  private void watchIdle() {
    long idle = client.subscriptionIdle().toNanos();
    try {
      while (!stopped.await(Math.max(1, idle / 4), TimeUnit.NANOSECONDS)) {
        InputStream b = body;
        if (b != null && System.nanoTime() - lastActivityNanos > idle) {
          body = null;
          b.close();
          interruptWait(); // closing the body does not wake a blocked read
        }
      }
    } catch (InterruptedException | IOException e) {
      // the subscription ends with its own thread; nothing to do here
    }
  }

  private void run() {
    long backoffMillis = 100;
    while (!stopRequested) {
      try {
        HttpRequest request = client.request(path + "?from=" + cursor + filterQuery)
            .header("Accept", "text/event-stream")
            .timeout(client.subscriptionIdle()) // until the headers: a server that never answers is dead too
            .GET().build();
        HttpResponse<InputStream> r = waitFor(() -> client.http().send(request, HttpResponse.BodyHandlers.ofInputStream()));
        if (r.statusCode() != 200) {
          byte[] err = waitFor(() -> r.body().readAllBytes());
          RuntimeException e = WireFormat.error(r.statusCode(), err);
          if (r.statusCode() == 429 || r.statusCode() == 408) {
            // the server asks to come back later: not a refusal
            backoffMillis = Math.max(backoffMillis, 1000 * r.headers().firstValueAsLong("Retry-After").orElse(1));
            throw new IOException("HTTP " + r.statusCode());
          }
          if (r.statusCode() / 100 == 4) {
            failure = e;
            return;
          }
          throw new IOException("HTTP " + r.statusCode());
        }
        lastActivityNanos = System.nanoTime();
        body = r.body();
        if (stopRequested) {
          return;
        }
        boolean[] delivered = new boolean[1];
        boolean stop = read(r.body(), delivered);
        if (delivered[0]) {
          backoffMillis = 100; // only a connection that delivered something resets the back-off
        }
        if (stop) {
          return;
        }
      } catch (HandlerFailed e) {
        failure = e.getCause();
        return;
      } catch (Unrecoverable e) {
        failure = e.getCause();
        return;
      } catch (IOException | RuntimeException e) {
        if (stopRequested) {
          return;
        }
      } catch (InterruptedException e) {
        // from close() (stop requested), or from the idle watchdog cutting a silent connection: reconnect
        if (stopRequested) {
          return;
        }
      }
      long sleep = backoffMillis;
      try {
        waitFor(() -> {
          Thread.sleep(sleep);
          return null;
        });
      } catch (InterruptedException | IOException e) {
        if (stopRequested) {
          return;
        }
      }
      backoffMillis = Math.min(Math.max(5_000, backoffMillis), backoffMillis * 2);
    }
  }

  /** Something the thread waits for, which close() may cut short by interrupting it. */
  private interface Wait<T extends @Nullable Object> {
    T get() throws IOException, InterruptedException;
  }

  private <T extends @Nullable Object> T waitFor(Wait<T> w) throws IOException, InterruptedException {
    synchronized (waitLock) {
      if (stopRequested) {
        throw new InterruptedException("closed");
      }
      waiting = true;
    }
    try {
      return w.get();
    } finally {
      synchronized (waitLock) {
        waiting = false;
        Thread.interrupted(); // an interrupt meant for the wait must not reach the handler
      }
    }
  }

  /** Wakes the thread if it waits for the server or a back-off; never while it runs the handler. */
  private void interruptWait() {
    synchronized (waitLock) {
      if (waiting && thread != null) {
        thread.interrupt();
      }
    }
  }

  /** A failure that reconnecting cannot mend. */
  private static final class Unrecoverable extends Exception {
    Unrecoverable(Throwable cause) {
      super(cause);
    }
  }

  /** A handler's exception, carried out of the read loop. */
  private static final class HandlerFailed extends Exception {
    HandlerFailed(Throwable cause) {
      super(cause);
    }
  }

  /** Reads messages until the stream ends; true when the subscription is to stop. */
  private boolean read(InputStream in, boolean[] delivered)
      throws IOException, HandlerFailed, Unrecoverable, InterruptedException {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String event = null;
      long id = -1;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = waitFor(lines::readLine)) != null) {
        lastActivityNanos = System.nanoTime();
        if (stopRequested) {
          return true;
        }
        if (line.isEmpty()) {
          if (data.length() > 0 || event != null) {
            delivered[0] |= dispatch(event, id, data.toString());
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
          try {
            id = Long.parseLong(field(line, 3));
          } catch (NumberFormatException e) {
            throw new Unrecoverable(new dev.annals.core.StoreUnavailableException(
                "the server sent an event id this client cannot read: " + line));
          }
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

  /** Hands one message to the handler; true when it was an event or the caught-up signal. */
  private boolean dispatch(@Nullable String event, long id, String data) throws HandlerFailed, Unrecoverable {
    if (event == null) {
      RecordedEvent e;
      try {
        e = WireFormat.event(data.getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException unreadable) {
        throw new Unrecoverable(new dev.annals.core.StoreUnavailableException(
            "the server sent an event this client cannot read (" + unreadable.getMessage() + ")", unreadable));
      }
      if (stopRequested) {
        return false;
      }
      try {
        handler.onEvent(e);
      } catch (Exception | Error t) {
        throw new HandlerFailed(t);
      }
      cursor = id + 1;
      return true;
    } else if (event.equals("caught-up")) {
      long next;
      try {
        next = WireFormat.parse(data.getBytes(StandardCharsets.UTF_8)).number("next");
      } catch (RuntimeException unreadable) {
        throw new Unrecoverable(new dev.annals.core.StoreUnavailableException(
            "the server sent a caught-up signal this client cannot read: " + data, unreadable));
      }
      try {
        handler.onCaughtUp(next);
      } catch (Exception | Error t) {
        throw new HandlerFailed(t);
      }
      return true;
    } else if (event.equals("error")) {
      String code = errorCode(data);
      if (!code.equals("too_slow") && !code.equals("unavailable")) {
        throw new Unrecoverable(WireFormat.error(statusOf(code), data.getBytes(StandardCharsets.UTF_8)));
      }
    }
    // "shutdown", "too_slow" and "unavailable" end the stream; the loop reconnects from the cursor.
    return false;
  }

  private static String errorCode(String data) {
    try {
      return WireFormat.parse(data.getBytes(StandardCharsets.UTF_8)).text("error");
    } catch (RuntimeException unreadable) {
      return "unreadable";
    }
  }

  private static int statusOf(String code) {
    return switch (code) {
      case "unauthorized" -> 401;
      case "forbidden" -> 403;
      case "not_found" -> 404;
      default -> 400;
    };
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
          interruptWait();
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
