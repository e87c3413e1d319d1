package dev.annals.module;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventStore;

/** Folds one stream of a category into its state, as JSON, for one of the time questions. Thread-safe. */
@FunctionalInterface
public interface StateView {

  /**
   * @param store the server's store
   * @param stream a stream of the view's category that has events
   */
  JsonNode state(EventStore store, String stream, StateQuery query);
}
