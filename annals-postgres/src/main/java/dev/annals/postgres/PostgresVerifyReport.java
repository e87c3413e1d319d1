package dev.annals.postgres;

import java.util.List;

/**
 * What {@link PostgresVerifier} found; the same shape as a data directory's verify report.
 *
 * @param events rows checked
 * @param headPosition position of the last row (0: empty)
 * @param headHash hex chain hash of the last row (64 zeros for an empty store)
 * @param problems damage, each naming the position (or the table) it is at; empty when all is well
 * @param notes facts that are not damage
 */
public record PostgresVerifyReport(long events, long headPosition, String headHash, List<String> problems,
    List<String> notes) {

  public PostgresVerifyReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
