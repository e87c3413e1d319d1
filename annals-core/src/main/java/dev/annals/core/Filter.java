package dev.annals.core;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Selects events of the global log by type, category and stream-name prefix. All given conditions
 * must hold. System streams ({@code $...}) are left out unless {@link #includeSystem()}. Immutable:
 * start from {@link #all()} (or a factory) and narrow with the {@code with...} methods.
 */
public final class Filter {

  private static final Filter ALL = new Filter(Set.of(), null, null, false);
  private static final Filter EVERYTHING = new Filter(Set.of(), null, null, true);

  private final Set<String> types;
  private final @Nullable String category;
  private final @Nullable String prefix;
  private final boolean includeSystem;

  private Filter(Set<String> types, @Nullable String category, @Nullable String prefix, boolean includeSystem) {
    this.types = Set.copyOf(types);
    this.category = category;
    this.prefix = prefix;
    this.includeSystem = includeSystem;
  }

  /** Every user event (system streams left out). */
  public static Filter all() {
    return ALL;
  }

  /** Every event, system streams included. */
  public static Filter everything() {
    return EVERYTHING;
  }

  public static Filter types(String... types) {
    return ALL.withTypes(Set.of(types));
  }

  public static Filter category(String category) {
    return ALL.withCategory(category);
  }

  public static Filter prefix(String prefix) {
    return ALL.withPrefix(prefix);
  }

  /** Keeps only these event types; empty keeps all. */
  public Filter withTypes(Set<String> newTypes) {
    return new Filter(newTypes, category, prefix, includeSystem);
  }

  public Filter withCategory(String newCategory) {
    return new Filter(types, newCategory, prefix, includeSystem);
  }

  public Filter withPrefix(String newPrefix) {
    return new Filter(types, category, newPrefix, includeSystem);
  }

  /** The same conditions, system streams included. */
  public Filter withSystem() {
    return new Filter(types, category, prefix, true);
  }

  /** Event types to keep; empty keeps all. */
  public Set<String> types() {
    return types;
  }

  /** Keep only streams of this category. */
  public Optional<String> category() {
    return Optional.ofNullable(category);
  }

  /** Keep only streams whose name starts with this. */
  public Optional<String> prefix() {
    return Optional.ofNullable(prefix);
  }

  public boolean includeSystem() {
    return includeSystem;
  }

  /** True when nothing but system streams is filtered out. */
  public boolean isAll() {
    return types.isEmpty() && category == null && prefix == null;
  }

  public boolean matches(String stream, String type) {
    if (!includeSystem && StreamNames.isSystem(stream)) {
      return false;
    }
    if (!types.isEmpty() && !types.contains(type)) {
      return false;
    }
    if (category != null && !StreamNames.category(stream).equals(category)) {
      return false;
    }
    return prefix == null || stream.startsWith(prefix);
  }

  public boolean matches(RecordedEvent e) {
    return matches(e.stream(), e.type());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Filter f && types.equals(f.types) && Objects.equals(category, f.category)
        && Objects.equals(prefix, f.prefix) && includeSystem == f.includeSystem;
  }

  @Override
  public int hashCode() {
    return Objects.hash(types, category, prefix, includeSystem);
  }

  @Override
  public String toString() {
    return "Filter[types=" + types + ", category=" + category + ", prefix=" + prefix + ", includeSystem="
        + includeSystem + "]";
  }
}
