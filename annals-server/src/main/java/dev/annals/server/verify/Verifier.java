package dev.annals.server.verify;

/**
 * Checks the store behind the server ({@code POST /admin/verify}). The embedded log binds its own
 * verifier (checksums, hash chain, indexes); {@link ScanVerifier} is the engine-independent fallback.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface Verifier {
  VerifyReport verify();
}
