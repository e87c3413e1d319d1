package dev.annals.core;

/**
 * What an append expects of its stream. The rule is one pure function, {@link #check}, shared by every
 * engine.
 */
public sealed interface ExpectedVersion {

  /** Append whatever the stream's version. */
  ExpectedVersion ANY = new Any();

  /** The stream must have no events. */
  ExpectedVersion NO_STREAM = new NoStream();

  /** The stream must have at least one event. */
  ExpectedVersion EXISTS = new Exists();

  /** The stream's last version must be exactly {@code version}; 0 means the same as no stream. */
  static ExpectedVersion exactly(long version) {
    if (version < 0) {
      throw new InvalidInputException("expected version must be >= 0, was " + version);
    }
    return version == 0 ? NO_STREAM : new Exact(version);
  }

  /** Parses the wire form: {@code any}, {@code no_stream}, {@code exists} or a version number. */
  static ExpectedVersion parse(String text) {
    return switch (text) {
      case "any" -> ANY;
      case "no_stream" -> NO_STREAM;
      case "exists" -> EXISTS;
      default -> {
        try {
          yield exactly(Long.parseLong(text));
        } catch (NumberFormatException e) {
          throw new InvalidInputException(
              "expected version must be any, no_stream, exists or a version number, was '" + text + "'");
        }
      }
    };
  }

  /** True when a stream whose last version is {@code actual} (0: no events) satisfies this. */
  boolean accepts(long actual);

  /** Throws {@link WrongExpectedVersionException} unless {@link #accepts(long)}. */
  default void check(String stream, long actual) {
    if (!accepts(actual)) {
      throw new WrongExpectedVersionException(stream, this, actual);
    }
  }

  record Any() implements ExpectedVersion {
    @Override
    public boolean accepts(long actual) {
      return true;
    }

    @Override
    public String toString() {
      return "any";
    }
  }

  record NoStream() implements ExpectedVersion {
    @Override
    public boolean accepts(long actual) {
      return actual == 0;
    }

    @Override
    public String toString() {
      return "no_stream";
    }
  }

  record Exists() implements ExpectedVersion {
    @Override
    public boolean accepts(long actual) {
      return actual > 0;
    }

    @Override
    public String toString() {
      return "exists";
    }
  }

  record Exact(long version) implements ExpectedVersion {
    public Exact {
      if (version < 1) {
        throw new IllegalArgumentException("use NO_STREAM for version 0");
      }
    }

    @Override
    public boolean accepts(long actual) {
      return actual == version;
    }

    @Override
    public String toString() {
      return Long.toString(version);
    }
  }
}
