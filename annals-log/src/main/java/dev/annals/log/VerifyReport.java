package dev.annals.log;

import java.util.List;

/**
 * What {@link LogVerifier} found.
 *
 * @param events events checked (records with a valid checksum, in order)
 * @param headPosition position of the last event checked
 * @param headHash hex SHA-256 chain hash of the last event (64 zeros for an empty log)
 * @param problems damage: each names the file and byte offset, or the index entry; empty when all is well
 * @param notes facts that are not damage (e.g. an unacknowledged torn tail the next open will cut, or no
 *     index checkpoint yet)
 */
public record VerifyReport(long events, long headPosition, String headHash, List<String> problems, List<String> notes) {

  public VerifyReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
