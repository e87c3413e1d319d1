package dev.annals.core;

import java.util.Optional;
import java.util.Set;

/**
 * Selects events of the global log by type, category and stream-name prefix. All given conditions
 * must hold. System streams ({@code $...}) are left out unless {@link #includeSystem()}.
 *
 * @param types event types to keep; empty keeps all
 * @param category keep only streams of this category
 * @param prefix keep only streams whose name starts with this
 */
public record Filter(Set<String> types, Optional<String> category, Optional<String> prefix, boolean includeSystem) {

  private static final Filter ALL = new Filter(Set.of(), Optional.empty(), Optional.empty(), false);
  private static final Filter EVERYTHING = new Filter(Set.of(), Optional.empty(), Optional.empty(), true);

  public Filter {
    types = Set.copyOf(types);
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
    return new Filter(Set.of(types), Optional.empty(), Optional.empty(), false);
  }

  public static Filter category(String category) {
    return new Filter(Set.of(), Optional.of(category), Optional.empty(), false);
  }

  public static Filter prefix(String prefix) {
    return new Filter(Set.of(), Optional.empty(), Optional.of(prefix), false);
  }

  public Filter withTypes(Set<String> newTypes) {
    return new Filter(newTypes, category, prefix, includeSystem);
  }

  public Filter withCategory(String newCategory) {
    return new Filter(types, Optional.of(newCategory), prefix, includeSystem);
  }

  public Filter withPrefix(String newPrefix) {
    return new Filter(types, category, Optional.of(newPrefix), includeSystem);
  }

  /** True when nothing but system streams is filtered out. */
  public boolean isAll() {
    return types.isEmpty() && category.isEmpty() && prefix.isEmpty();
  }

  public boolean matches(String stream, String type) {
    if (!includeSystem && StreamNames.isSystem(stream)) {
      return false;
    }
    if (!types.isEmpty() && !types.contains(type)) {
      return false;
    }
    if (category.isPresent() && !StreamNames.category(stream).equals(category.get())) {
      return false;
    }
    return prefix.isEmpty() || stream.startsWith(prefix.get());
  }

  public boolean matches(RecordedEvent e) {
    return matches(e.stream(), e.type());
  }
}
