package dev.annals.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import picocli.CommandLine;

/**
 * The one reading of a time the CLI's options take ({@code read --known-at/--valid-at},
 * {@code append --effective-at}, {@code tail --since}): a date ({@code 2026-03-15}, the start of that
 * day in UTC), a date-time without zone ({@code 2026-03-15T14:47}, UTC), or an instant with an offset
 * or zone ({@code 2026-03-15T14:47:00Z}, {@code 2026-03-15T15:47+01:00},
 * {@code 2026-03-15T15:47+01:00[Europe/Paris]}). Registered for every {@link Instant} option in
 * {@link Main}. Stateless.
 */
final class TimeArgument implements CommandLine.ITypeConverter<Instant> {

  /** What a user may write, said in the one line that refuses anything else. */
  static final String FORMS = "give a date (2026-03-15, start of day UTC), a date-time (2026-03-15T14:47, UTC)"
      + " or an instant with offset or zone (2026-03-15T14:47:00Z, 2026-03-15T15:47+01:00)";

  @Override
  public Instant convert(String text) {
    return parse(text);
  }

  /** The instant {@code text} names; a {@link CommandLine.TypeConversionException} naming the forms otherwise. */
  static Instant parse(String text) {
    String t = text.strip();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(t, ZonedDateTime::from, LocalDateTime::from);
      if (parsed instanceof ZonedDateTime z) {
        return z.toInstant();
      }
      if (parsed instanceof LocalDateTime local) {
        return local.toInstant(ZoneOffset.UTC);
      }
    } catch (DateTimeException | ArithmeticException e) {
      // refused below
    }
    throw new CommandLine.TypeConversionException("'" + abbreviate(text) + "' is not a time; " + FORMS);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
