package dev.annals.core;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which streams {@link EventStore#listStreams} lists: names starting with a prefix, optionally of one
 * category, optionally after a name (the paging cursor: the last name of the previous page). System
 * streams ({@code $...}) are listed only when the prefix itself starts with {@code $}. Immutable.
 *
 * <p>{@code StreamQuery.all().withCategory("account").startingAfter("account-41")}
 */
public final class StreamQuery {

  private static final StreamQuery ALL = new StreamQuery("", null, null);

  private final String prefix;
  private final @Nullable String category;
  private final @Nullable String after;

  private StreamQuery(String prefix, @Nullable String category, @Nullable String after) {
    this.prefix = prefix;
    this.category = category;
    this.after = after;
  }

  /** Every user stream. */
  public static StreamQuery all() {
    return ALL;
  }

  /** Streams whose names start with {@code prefix} ({@code $...} for system streams). */
  public static StreamQuery prefix(String prefix) {
    return new StreamQuery(prefix, null, null);
  }

  /** Also of {@code category} (see {@link StreamNames#category}). */
  public StreamQuery withCategory(String newCategory) {
    return new StreamQuery(prefix, newCategory, after);
  }

  /** Only names after {@code name} in name order: the page after the one that ended at {@code name}. */
  public StreamQuery startingAfter(String name) {
    return new StreamQuery(prefix, category, name);
  }

  /** The prefix every listed name starts with; empty for all. */
  public String prefix() {
    return prefix;
  }

  public Optional<String> category() {
    return Optional.ofNullable(category);
  }

  public Optional<String> after() {
    return Optional.ofNullable(after);
  }

  /** Whether system streams are listed: only when the prefix asks for them. */
  public boolean includesSystem() {
    return prefix.startsWith("$");
  }

  /** The rule every engine lists by: true when {@code stream} belongs in this listing. */
  public boolean matches(String stream) {
    return stream.startsWith(prefix)
        && (includesSystem() || !StreamNames.isSystem(stream))
        && (category == null || StreamNames.category(stream).equals(category))
        && (after == null || stream.compareTo(after) > 0);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StreamQuery q && prefix.equals(q.prefix) && Objects.equals(category, q.category)
        && Objects.equals(after, q.after);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prefix, category, after);
  }

  @Override
  public String toString() {
    return "StreamQuery[prefix=" + prefix + ", category=" + category + ", after=" + after + "]";
  }
}
