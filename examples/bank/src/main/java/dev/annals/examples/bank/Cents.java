package dev.annals.examples.bank;

/** Formats amounts held as {@code long} cents (the bank never uses floating point for money). */
public final class Cents {

  private Cents() {}

  /** {@code 123456} as {@code "1234.56"}, {@code -5} as {@code "-0.05"}. */
  public static String format(long cents) {
    String sign = cents < 0 ? "-" : "";
    long abs = Math.abs(cents);
    return sign + (abs / 100) + "." + (abs % 100 < 10 ? "0" : "") + (abs % 100);
  }
}
