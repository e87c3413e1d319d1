package dev.annals.examples.quickstart;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import dev.annals.core.WrongExpectedVersionException;
import dev.annals.log.Annals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Opens a store in DIR (default: a new temporary directory), appends, reads and subscribes. */
public final class Quickstart {

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("annals-quickstart");
    System.out.println("store     " + dir);
    try (EventStore store = Annals.open(dir)) { // the durable log, fsync=always
      store.append("account-42", ExpectedVersion.NO_STREAM, EventData.of("AccountOpened", "{\"owner\":\"Ada\"}"));
      store.append("account-42", ExpectedVersion.exactly(1), EventData.of("Deposited", "{\"amount\":100}"));

      Page page = store.readStream("account-42", 1, Direction.FORWARD, 100);
      for (RecordedEvent e : page.events()) {
        System.out.println("read      " + e.stream() + " v" + e.version() + " " + e.type() + " " + e.data());
      }

      try { // a writer that has not seen version 2 is refused; nothing is written
        store.append("account-42", ExpectedVersion.exactly(1), EventData.of("Deposited", "{\"amount\":5}"));
      } catch (WrongExpectedVersionException e) {
        System.out.println("refused   expected version 1, the stream is at " + e.actual());
      }

      // From position 1: the two events already there, then a live one. The handler runs on the
      // subscription's thread; the latch lets main wait for all three before closing the store.
      CountDownLatch received = new CountDownLatch(3);
      EventHandler print = e -> {
        System.out.println("received  #" + e.position() + " " + e.stream() + " " + e.type() + " " + e.data());
        received.countDown();
      };
      try (Subscription subscription = store.subscribeToAll(1, Filter.category("account"), print)) {
        store.append("account-42", ExpectedVersion.exactly(2), EventData.of("Withdrawn", "{\"amount\":30}"));
        if (!received.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("only " + (3 - received.getCount()) + " of 3 events arrived in 10 s",
              subscription.failure().orElse(null)); // the handler's or the store's failure, if that is why
        }
      }
    }
  }
}
