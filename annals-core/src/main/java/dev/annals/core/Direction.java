package dev.annals.core;

/** Reading order. */
public enum Direction {
  FORWARD,
  BACKWARD;

  /** Parses {@code forward} / {@code backward}. */
  public static Direction parse(String text) {
    return switch (text) {
      case "forward" -> FORWARD;
      case "backward" -> BACKWARD;
      default -> throw new InvalidInputException("direction must be forward or backward, was '" + text + "'");
    };
  }
}
