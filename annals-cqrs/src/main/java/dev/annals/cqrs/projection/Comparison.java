package dev.annals.cqrs.projection;

import java.util.List;

/**
 * Live against shadow, table by table, before a promotion.
 *
 * @param livePosition the live version's checkpoint when compared
 * @param shadowPosition the shadow version's checkpoint when compared
 */
public record Comparison(ProjectionId live, ProjectionId shadow, long livePosition, long shadowPosition,
    List<TableComparison> tables) {

  public Comparison {
    tables = List.copyOf(tables);
  }

  /** True when every table has the same rows in both versions. */
  public boolean identical() {
    return tables.stream().allMatch(TableComparison::identical);
  }

  /**
   * One table: row counts and a sample of rows found in only one of the versions (rendered as text).
   */
  public record TableComparison(String table, long liveRows, long shadowRows, List<String> onlyInLive,
      List<String> onlyInShadow) {

    public TableComparison {
      onlyInLive = List.copyOf(onlyInLive);
      onlyInShadow = List.copyOf(onlyInShadow);
    }

    public boolean identical() {
      return liveRows == shadowRows && onlyInLive.isEmpty() && onlyInShadow.isEmpty();
    }
  }
}
