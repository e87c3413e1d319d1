package dev.annals.examples.bank.seed;

import java.time.Instant;
import java.util.UUID;

/**
 * The facts of a seeded history the demo prints and checks.
 *
 * @param asOf the demo's instant, 2026-03-15T14:47:00Z
 * @param correctedAccountId the account charged a fee in error before {@code asOf} and corrected after
 *     it: its balance at {@code asOf} as known then and as valid now differ by {@code wrongFeeAmount}
 * @param wrongFeeId the fee's domain id
 * @param wrongFeeEventId the stored id of the {@code FeeCharged} event, revoked by the correction
 * @param wrongFeeAmount cents
 * @param feeChargedAt when the fee was recorded (and took effect)
 * @param correctionRecordedAt when the correction was recorded (after {@code asOf}); it takes effect
 *     at {@code feeChargedAt}
 * @param completedTransferId a transfer that completed (the first one after {@code asOf})
 * @param compensatedTransferId a transfer whose credit the (closed) target refused, so the source was
 *     refunded: its audit trail shows every step and its compensation
 * @param refundedOrderId an order that was paid and refunded
 */
public record DemoFacts(
    Instant asOf,
    String correctedAccountId,
    UUID wrongFeeId,
    UUID wrongFeeEventId,
    long wrongFeeAmount,
    Instant feeChargedAt,
    Instant correctionRecordedAt,
    String completedTransferId,
    String compensatedTransferId,
    String refundedOrderId) {}
