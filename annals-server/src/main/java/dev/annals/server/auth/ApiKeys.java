package dev.annals.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys of an auth file, stored as SHA-256 hashes. A presented key is hashed and compared with
 * every stored hash in constant time ({@link MessageDigest#isEqual}), always all of them, so timing
 * says nothing about which entry (or how much of one) matched. SHA-256 without salt is enough here
 * because keys are long random tokens, not passwords.
 *
 * <p>File format, one key per line; blank lines and lines starting with {@code #} are ignored:
 * <pre>
 * # sha256-hex-of-the-key                                          role    prefixes          name
 * 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  writer  account-,order-   billing
 * 60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752  reader  *                 dashboards
 * </pre>
 * The role is {@code admin}, {@code writer} or {@code reader}; prefixes are comma-separated
 * stream-name prefixes ({@code *} for all streams); the name (optional, rest of the line; default
 * {@code key on line N}) labels the key: it is the {@code actor} of the key's commands and its rate-limit
 * bucket, so two keys may not share a name (nor a hash: which entry would apply?). Hash a key with {@code printf %s "$KEY" | sha256sum}. Immutable, thread-safe.
 */
public final class ApiKeys {

  private record Entry(byte[] hash, Principal principal) {}

  private final List<Entry> entries;

  private ApiKeys(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Reads an auth file; throws {@link IllegalArgumentException} naming the line of any mistake. */
  public static ApiKeys load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses auth-file text; {@code source} names it in error messages. */
  public static ApiKeys parse(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    Map<String, Integer> lineOfName = new HashMap<>();
    Map<String, Integer> lineOfHash = new HashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 4);
      String where = source + " line " + (i + 1);
      if (parts.length < 3) {
        throw new IllegalArgumentException(where + ": expected '<sha256-hex> <role> <prefixes> [name]'");
      }
      byte[] hash;
      try {
        hash = HexFormat.of().parseHex(parts[0].toLowerCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": the key hash is not hexadecimal");
      }
      if (hash.length != 32) {
        throw new IllegalArgumentException(where + ": the key hash must be 64 hex digits (SHA-256)");
      }
      Role role;
      try {
        role = Role.parse(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
      List<String> prefixes = Arrays.stream(parts[2].split(",")).map(p -> p.equals("*") ? "" : p).toList();
      String name = parts.length == 4 ? parts[3] : "key on line " + (i + 1);
      Integer sameName = lineOfName.putIfAbsent(name, i + 1);
      if (sameName != null) {
        throw new IllegalArgumentException(where + ": the name '" + name + "' is already used on line " + sameName
            + " (a key's name is its actor in the audit trail and its rate-limit bucket; give each key its own)");
      }
      Integer sameHash = lineOfHash.putIfAbsent(HexFormat.of().formatHex(hash), i + 1);
      if (sameHash != null) {
        throw new IllegalArgumentException(where + ": the same key is already listed on line " + sameHash);
      }
      entries.add(new Entry(hash, new Principal(name, role, prefixes)));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(source + ": no keys (an auth file with no keys would lock everyone out)");
    }
    return new ApiKeys(entries);
  }

  /** One auth-file line for {@code key} (for tests and setup tools). */
  public static String line(String key, Role role, String prefixes, String name) {
    return HexFormat.of().formatHex(sha256(key)) + " " + role + " " + prefixes + " " + name;
  }

  /** The principal whose key is {@code presented}, if any. */
  public Optional<Principal> authenticate(String presented) {
    byte[] hash = sha256(presented);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), hash) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return entries.size();
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
