package dev.annals.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Well-formed UTF-8 (RFC 3629): the JDK's strict decoder, which rejects overlong forms, encoded
 * surrogates and code points above U+10FFFF as well as stray and truncated bytes. Jackson's parser
 * does not check all of these, so JSON bytes are checked here before they are parsed or stored: an
 * overlong {@code \xc0\xae} must not slip through as a raw byte, or decode to {@code .} elsewhere.
 * Cheap: an all-ASCII input is one pass over the bytes; the rest is decoded in a small fixed buffer.
 * Stateless and thread-safe.
 */
public final class Utf8 {

  private Utf8() {}

  /** The offset of the first byte that is not part of well-formed UTF-8 in {@code bytes}, or -1. */
  public static int firstInvalid(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) {
      i++;
    }
    if (i == bytes.length) {
      return -1;
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, i, bytes.length - i);
    CharBuffer out = CharBuffer.allocate(Math.min(8192, bytes.length - i + 1));
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      if (r.isError()) {
        return in.position();
      }
      if (r.isUnderflow()) {
        r = decoder.flush(out);
        if (r.isOverflow()) {
          out.clear();
          continue;
        }
        return -1;
      }
      out.clear(); // overflow: the decoded text is not needed, only whether it decodes
    }
  }

  /** Throws {@link InvalidInputException} naming the offset unless {@code bytes} are well-formed UTF-8. */
  public static void check(byte[] bytes, String what) {
    int bad = firstInvalid(bytes);
    if (bad >= 0) {
      throw new InvalidInputException(what + " is not valid UTF-8: invalid byte 0x"
          + String.format("%02x", bytes[bad] & 0xff) + " at offset " + bad);
    }
  }
}
