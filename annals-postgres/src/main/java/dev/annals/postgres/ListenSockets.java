package dev.annals.postgres;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The sockets of the {@link HeadWatcher}'s LISTEN connection, which take {@code 1} ms off every
 * wake-up. pgjdbc's {@code getNotifications} returns only after checking for a further message with a
 * 1 ms socket timeout, so without this every notification reaches the watcher at least 1 ms after it
 * arrived. On these sockets a read under a 1 ms timeout with nothing received yet fails at once, as
 * that read would have 1 ms later (the driver then returns what it has); every other read is the
 * plain socket's. An encrypted connection (the driver's SSL or GSS request answered yes) keeps the
 * plain behaviour throughout: a record may arrive in parts there.
 *
 * <p>Public only because the driver instantiates it by name (its {@code socketFactory} property).
 * One socket per connection, used by one thread at a time, as the driver uses its sockets.
 */
public final class ListenSockets extends SocketFactory {

  /** The driver's property naming the socket factory class. */
  static final String PROPERTY = "socketFactory";

  /** The driver's probe timeout, in milliseconds. */
  private static final int PROBE_MILLIS = 1;
  /** The length and codes of the SSLRequest and GSSENCRequest messages (the protocol's first bytes). */
  private static final int REQUEST_LENGTH = 8;
  private static final int SSL_REQUEST = 80877103;
  private static final int GSS_REQUEST = 80877104;

  public ListenSockets() {
    // the driver's no-argument constructor
  }

  @Override
  public Socket createSocket() {
    return new ProbeSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    Socket s = new ProbeSocket();
    s.bind(new InetSocketAddress(localHost, localPort));
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket s = new ProbeSocket();
    s.bind(new InetSocketAddress(localAddress, localPort));
    s.connect(new InetSocketAddress(address, port));
    return s;
  }

  private static Socket connected(InetSocketAddress to) throws IOException {
    Socket s = new ProbeSocket();
    s.connect(to);
    return s;
  }

  /** A plain socket whose reads under the driver's 1 ms probe timeout do not wait. */
  static final class ProbeSocket extends Socket {

    private volatile int timeoutMillis;
    /** Set once the connection is known to stay unencrypted; until then every read is plain. */
    private volatile boolean unencrypted;
    /** The first bytes written, until there are {@value #REQUEST_LENGTH}: an encryption request or not. */
    private final byte[] first = new byte[REQUEST_LENGTH];
    private int firstCount;
    private boolean awaitingAnswer;
    private @Nullable InputStream input;
    private @Nullable OutputStream output;

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      super.setSoTimeout(timeout);
      timeoutMillis = timeout;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (input == null) {
        input = new Probing(super.getInputStream());
      }
      return input;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (output == null) {
        output = new Watching(super.getOutputStream());
      }
      return output;
    }

    /** The protocol's first message: an encryption request (wait for the answer) or the startup. */
    private void wrote(byte[] b, int off, int len) {
      if (firstCount >= REQUEST_LENGTH) {
        return;
      }
      int n = Math.min(len, REQUEST_LENGTH - firstCount);
      System.arraycopy(b, off, first, firstCount, n);
      firstCount += n;
      if (firstCount == REQUEST_LENGTH) {
        int length = readInt(0);
        int code = readInt(4);
        if (length == REQUEST_LENGTH && (code == SSL_REQUEST || code == GSS_REQUEST)) {
          unencrypted = false;
          awaitingAnswer = true; // the server's one-byte answer decides
        } else {
          unencrypted = true;
        }
      }
    }

    /** After an encryption request, the server's answer: {@code N} keeps the connection plain. */
    private void answered(int firstByte) {
      if (awaitingAnswer) {
        awaitingAnswer = false;
        unencrypted = firstByte == 'N';
        if (unencrypted) {
          firstCount = 0; // the driver may now send another request, or the startup
        }
      }
    }

    private int readInt(int at) {
      return (first[at] & 0xff) << 24 | (first[at + 1] & 0xff) << 16 | (first[at + 2] & 0xff) << 8
          | first[at + 3] & 0xff;
    }

    private void probe(InputStream raw) throws IOException {
      if (unencrypted && timeoutMillis == PROBE_MILLIS && raw.available() == 0) {
        throw new SocketTimeoutException("nothing received");
      }
    }

    private final class Probing extends FilterInputStream {

      Probing(InputStream raw) {
        super(raw);
      }

      @Override
      public int read() throws IOException {
        probe(in);
        int b = in.read();
        answered(b);
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        probe(in);
        int n = in.read(b, off, len);
        if (n > 0) {
          answered(b[off]);
        }
        return n;
      }
    }

    private final class Watching extends FilterOutputStream {

      Watching(OutputStream raw) {
        super(raw);
      }

      @Override
      public void write(int b) throws IOException {
        wrote(new byte[] {(byte) b}, 0, 1);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        wrote(b, off, len);
        out.write(b, off, len);
      }
    }
  }
}
