package dev.annals.cqrs;

/**
 * A decider refused a command because of the domain's rules (e.g. "insufficient funds"). Thrown from
 * {@code decide}; the handler writes nothing and passes it on. Domains may subclass it to attach
 * facts.
 */
public class CommandRejectedException extends RuntimeException {

  private final String reason;

  /**
   * @param reason a stable code the caller can branch on, e.g. {@code insufficient_funds}
   * @param message human text with the facts
   */
  public CommandRejectedException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
