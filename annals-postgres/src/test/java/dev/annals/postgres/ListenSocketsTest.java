package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The LISTEN connection's sockets: the driver's 1 ms probe for a further message does not wait on a
 * plain connection, waits as before on an encrypted one, and every byte still arrives.
 */
@ExtendWith(TestPostgres.class)
class ListenSocketsTest {

  private static final byte[] STARTUP = {0, 0, 0, 8, 0, 3, 0, 0};
  private static final byte[] SSL_REQUEST = ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();

  @Test
  void on_a_plain_connection_the_probe_fails_at_once_and_data_still_arrives() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new ListenSockets().createSocket(server.getInetAddress(), server.getLocalPort());
        Socket peer = server.accept()) {
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      out.write(STARTUP);
      out.flush();
      client.setSoTimeout(1);

      assertThat(fastestTimeoutNanos(in)).isLessThan(1_000_000);

      peer.getOutputStream().write(new byte[] {'A', 'B'});
      client.setSoTimeout(5_000);
      assertThat(in.read()).isEqualTo('A');
      client.setSoTimeout(1);
      assertThat(in.read()).isEqualTo('B'); // received already: the probe reads it
    }
  }

  @Test
  void once_the_server_agrees_to_encrypt_every_read_waits_as_a_plain_socket_does() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new ListenSockets().createSocket(server.getInetAddress(), server.getLocalPort());
        Socket peer = server.accept()) {
      client.getOutputStream().write(SSL_REQUEST);
      peer.getOutputStream().write('S');
      client.setSoTimeout(5_000);
      assertThat(client.getInputStream().read()).isEqualTo('S');
      client.setSoTimeout(1);

      assertThat(fastestTimeoutNanos(client.getInputStream())).isGreaterThanOrEqualTo(900_000);
    }
  }

  @Test
  void a_listening_connection_on_these_sockets_returns_each_notification_without_the_1_ms_probe(
      LocalPostgres server) throws Exception {
    String url = server.jdbcUrl(server.createDatabase());
    Properties quick = new Properties();
    quick.setProperty(ListenSockets.PROPERTY, ListenSockets.class.getName());
    try (Connection listening = DriverManager.getConnection(url, quick);
        Connection plain = DriverManager.getConnection(url);
        Connection sender = DriverManager.getConnection(url);
        PreparedStatement notify = sender.prepareStatement("SELECT pg_notify('probe_test', ?)")) {
      for (Connection c : new Connection[] {listening, plain}) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN probe_test");
        }
      }
      long fastestQuick = Long.MAX_VALUE;
      long fastestPlain = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        notify.setString(1, Integer.toString(i));
        notify.executeQuery().close(); // auto-commit: sent to both listeners at its commit
        fastestQuick = Math.min(fastestQuick, timedNotification(listening, i));
        fastestPlain = Math.min(fastestPlain, timedNotification(plain, i));
      }

      assertThat(fastestQuick).isLessThan(900_000);
      assertThat(fastestPlain).isGreaterThanOrEqualTo(900_000); // why these sockets exist
    }
  }

  /** Nanoseconds for getNotifications to return notification {@code n}, already received. */
  private static long timedNotification(Connection c, int n) throws Exception {
    PGConnection pg = c.unwrap(PGConnection.class);
    Thread.sleep(5); // the notification is on the socket by now
    long t0 = System.nanoTime();
    PGNotification[] got = pg.getNotifications(10_000);
    long took = System.nanoTime() - t0;
    assertThat(got).extracting(PGNotification::getParameter).containsExactly(Integer.toString(n));
    return took;
  }

  private static long fastestTimeoutNanos(InputStream in) throws Exception {
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      long t0 = System.nanoTime();
      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
      fastest = Math.min(fastest, System.nanoTime() - t0);
    }
    return fastest;
  }
}
