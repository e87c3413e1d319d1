package dev.annals.server.verify;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a verification: {@code {"ok", "events", "headHash", "problems"}} on the wire.
 *
 * @param headHash the hash-chain head, where the engine keeps one
 */
public record VerifyReport(boolean ok, long events, Optional<String> headHash, List<String> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }
}
