package dev.annals.examples.bank.transfer;

/** What a transfer moves: {@code amount} cents from account {@code from} to account {@code to}. */
public record Terms(String transferId, String from, String to, long amount) {}
