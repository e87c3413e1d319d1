package dev.annals.server;

import dev.annals.console.ConsoleAssets;
import dev.annals.core.EventStore;
import dev.annals.core.EventStoreException;
import dev.annals.core.FsyncReporting;
import dev.annals.cqrs.codec.EventCodecException;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.module.ServerModule;
import dev.annals.server.auth.Access;
import dev.annals.server.auth.BrowserGuard;
import dev.annals.server.auth.Principal;
import dev.annals.server.cluster.NodeRegistry;
import dev.annals.server.http.DatabaseUnreachable;
import dev.annals.server.http.ErrorResponses;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.JsonErrorHandler;
import dev.annals.server.http.RateLimiter;
import dev.annals.server.http.ReadLimits;
import dev.annals.server.http.Routes;
import dev.annals.server.http.WireJson;
import dev.annals.server.kafka.KafkaExportHost;
import dev.annals.server.projections.ProjectionHost;
import dev.annals.server.projections.ReadModelTargets;
import dev.annals.server.projections.SqliteReadModels;
import dev.annals.server.resources.AdminResource;
import dev.annals.server.resources.AllResource;
import dev.annals.server.resources.AuditResource;
import dev.annals.server.resources.CommandsResource;
import dev.annals.server.resources.ConsoleResource;
import dev.annals.server.resources.HealthResource;
import dev.annals.server.resources.ProjectionsResource;
import dev.annals.server.resources.StateResource;
import dev.annals.server.resources.StreamsResource;
import dev.annals.server.sse.SseSessions;
import dev.annals.server.sse.SubscriptionsResource;
import dev.annals.server.verify.Verifier;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Annals HTTP server over any {@link EventStore} (docs/http-api.md). Every route is declared here, in
 * {@link #routes}, by the resource that serves it. Requests run on virtual threads; each SSE client
 * has its own store subscription. Domain modules' projections run in its {@link ProjectionHost},
 * started and stopped with the server. The server does not own the store: whoever built it closes it
 * after {@link #stop()}.
 *
 * <p>Security: without an auth file the server binds loopback addresses only (unless
 * {@link ServerConfig#insecure()}) and treats every caller as an admin; with one, every route but
 * {@code /health} needs {@code Authorization: Bearer <key>} and {@link Access} applies. Whatever the
 * keys, {@link BrowserGuard} refuses what a web page could make a browser on the machine send.
 * Thread-safe.
 */
public final class AnnalsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AnnalsServer.class);

  private final EventStore store;
  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final SseSessions sessions;
  private final Routes routes = new Routes();
  private final Server jetty;
  private final ServerConnector connector;
  private final ProjectionHost projections;
  private final NodeRegistry nodes = new NodeRegistry(java.time.Clock.systemUTC());
  private final Optional<RateLimiter> rateLimiter;
  private final BrowserGuard browserGuard;
  private final Optional<KafkaExportHost> kafkaExport;
  private volatile boolean stopping;

  public AnnalsServer(EventStore store, ServerConfig config, Verifier verifier) {
    this(store, config, verifier, List.of());
  }

  /** A server hosting domain modules; their projections live in a temporary database deleted at stop. */
  public AnnalsServer(EventStore store, ServerConfig config, Verifier verifier, List<ServerModule> modules) {
    this(store, config, verifier, modules, Optional.empty());
  }

  /**
   * A server hosting domain modules: state folds ({@code GET /streams/{stream}/state}), projections
   * ({@code /projections}, their SQLite database in {@code projectionsDir}, or a temporary directory
   * when empty) and commands ({@code POST /commands/{module}/{command}}).
   */
  public AnnalsServer(EventStore store, ServerConfig config, Verifier verifier, List<ServerModule> modules,
      Optional<Path> projectionsDir) {
    this(store, config, verifier, modules, new SqliteReadModels(projectionsDir));
  }

  /**
   * A server hosting domain modules whose read models live in {@code readModels} (another engine than
   * the default SQLite file); the server opens it at {@link #start} and closes it at {@link #stop}.
   */
  public AnnalsServer(EventStore store, ServerConfig config, Verifier verifier, List<ServerModule> modules,
      ReadModelTargets readModels) {
    this(store, config, verifier, modules, readModels, Optional.empty());
  }

  /**
   * A server that also runs a Kafka export of its store ({@code annals serve --kafka-export}): started at
   * {@link #start}, stopped at {@link #stop}, its status in {@code /health}, {@code /metrics} and the
   * console. The export reads the store through its engine, which the caller hands to {@code kafkaExport};
   * an export that fails shows as failed and the server goes on serving.
   */
  public AnnalsServer(EventStore store, ServerConfig config, Verifier verifier, List<ServerModule> modules,
      ReadModelTargets readModels, Optional<KafkaExportHost> kafkaExport) {
    this.store = store;
    this.kafkaExport = kafkaExport;
    this.config = config;
    checkBinding(config);
    this.metrics = new ServerMetrics(store::headPosition);
    if (store instanceof FsyncReporting reporting) {
      metrics.bindFsyncs(reporting);
    }
    this.sessions = new SseSessions(config.heartbeat(), config.slowSubscriberTimeout(), store, metrics);
    metrics.bindSubscribers(sessions::count, sessions::maxLag);
    ReadLimits limits = new ReadLimits(config.defaultLimit(), config.maxLimit());

    new StreamsResource(store, metrics, limits).routing(routes);
    new StateResource(store, modules).routing(routes);
    new AllResource(store, limits).routing(routes);
    new SubscriptionsResource(store, sessions).routing(routes);
    new AuditResource(store, limits, config.auditMaxScan()).routing(routes);
    new AdminResource(store, verifier).routing(routes);
    new HealthResource(store, metrics, () -> stopping, config.engine(), kafkaExport, nodes).routing(routes);
    kafkaExport.ifPresent(k -> metrics.bindKafkaExport(k.settings().topic(), k::status));
    new ConsoleResource(new ConsoleAssets()).routing(routes);
    this.projections = new ProjectionHost(store, modules, readModels, RunnerOptions.defaults());
    new ProjectionsResource(projections).routing(routes);
    new CommandsResource(store, modules, config.apiKeys().isPresent()).routing(routes);
    metrics.bindProjections(projections);
    this.browserGuard = BrowserGuard.of(config);
    this.rateLimiter = config.rateLimit().map(r -> new RateLimiter(r, System::nanoTime));

    QueuedThreadPool pool = new QueuedThreadPool(256, 4);
    pool.setName("annals-http");
    // Plain virtual-thread starts: an ExecutorService per task would also track every request's
    // thread in a concurrent set, which nothing here needs (Jetty waits for requests itself on stop).
    ThreadFactory requestThreads = Thread.ofVirtual().name("annals-request").factory();
    pool.setVirtualThreadsExecutor(task -> requestThreads.newThread(task).start());
    jetty = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    // Paths are split and percent-decoded by Routes itself, strictly, so that a stream name holding
    // an encoded '/' or control character reaches the name rules and gets their precise 400 (Jetty's
    // default compliance would answer such URIs with its own 400 before any route runs).
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setRequestHeaderSize(64 * 1024);
    http.setSendServerVersion(false);
    if (config.tls().isPresent()) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(config.tls().get().keyStore().toString());
      ssl.setKeyStorePassword(config.tls().get().password());
      connector = new ServerConnector(jetty, ssl, new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    }
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(config.idleTimeout().toMillis());
    jetty.addConnector(connector);
    jetty.setHandler(new GracefulHandler(new Api()));
    jetty.setErrorHandler(new JsonErrorHandler());
    jetty.setStopTimeout(config.stopTimeout().toMillis());
  }

  private static void checkBinding(ServerConfig config) {
    if (config.apiKeys().isPresent() || config.insecure()) {
      return;
    }
    boolean loopback;
    try {
      InetAddress[] all = InetAddress.getAllByName(config.host());
      loopback = all.length > 0 && java.util.Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host '" + config.host() + "'", e);
    }
    if (!loopback) {
      throw new IllegalArgumentException("refusing to bind " + config.host() + " without an auth file: anyone who"
          + " can reach it could write and read everything. Give an auth file, bind 127.0.0.1, or pass --insecure.");
    }
  }

  /** Starts listening; returns this. */
  public AnnalsServer start() throws Exception {
    connector.open(); // bound first, so that the node's name (HOST:PORT) is known to the projections
    projections.start(nodeName());
    jetty.start();
    nodes.start(projections.sharedDatabase(), nodeName(), uri());
    kafkaExport.ifPresent(KafkaExportHost::start);
    if (config.apiKeys().isEmpty()) {
      LOG.warn("no auth file: every caller is an admin; listening on {} only{}", uri(),
          config.insecure() ? " (--insecure)" : " (loopback)");
    } else {
      LOG.info("listening on {} with {} API keys", uri(), config.apiKeys().get().size());
    }
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** This server's name among the servers sharing its store: the configured one, or HOST:PORT as bound. */
  public String nodeName() {
    return config.nodeName().orElseGet(() -> config.host() + ":" + port());
  }

  public URI uri() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create((config.tls().isPresent() ? "https" : "http") + "://" + host + ":" + port());
  }

  /** The declared routes, {@code "METHOD /pattern"}. */
  public List<String> routes() {
    return routes.describe();
  }

  /**
   * Stops gracefully: {@code /health} turns 503, SSE clients get a final {@code shutdown} event, new
   * requests are refused, in-flight requests (appends) get up to {@link ServerConfig#stopTimeout()}
   * to finish. Does not close the store. Idempotent.
   */
  public void stop() throws Exception {
    if (stopping && jetty.isStopped()) {
      return;
    }
    stopping = true;
    sessions.shutdown(java.time.Duration.ofSeconds(2));
    try {
      jetty.stop();
    } finally {
      try {
        nodes.close();
        kafkaExport.ifPresent(KafkaExportHost::close);
      } finally {
        projections.close();
      }
    }
  }

  /** The hosted projections: what the {@code /projections} routes call. */
  public ProjectionHost projections() {
    return projections;
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  /** The one Jetty handler: route, authenticate, run the resource, map failures to JSON errors. */
  private final class Api extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Exchange x = new Exchange(request, response, callback, config.maxRequestBytes());
      int status = 200;
      try {
        BrowserGuard.FRAME_HEADERS.forEach(x::header);
        browserGuard.check(request.getMethod(),
            x.header(HttpHeader.HOST).or(() -> Optional.ofNullable(request.getHttpURI().getAuthority()).filter(a -> !a.isEmpty())),
            x.header(HttpHeader.ORIGIN), x.header("Sec-Fetch-Site"));
        Object found = routes.find(request.getMethod(), Exchange.segments(request.getHttpURI().getPath()));
        if (found instanceof Routes.Miss miss) {
          if (miss.pathExists()) {
            x.header(HttpHeader.ALLOW, String.join(", ", miss.allowed()));
            throw new HttpError(405, "invalid_request", "method " + request.getMethod() + " is not allowed here; allowed: "
                + String.join(", ", miss.allowed()));
          }
          throw HttpError.notFound("no route " + request.getMethod() + " " + WireJson.abbreviate(request.getHttpURI().getPath()));
        }
        Routes.Match match = (Routes.Match) found;
        x.pathParams(match.params());
        if (match.auth() == Routes.Auth.KEY && config.apiKeys().isPresent()) {
          try {
            x.principal(authenticate(x));
          } catch (HttpError refused) {
            // a refused key spends a token of its address's bucket: guessing keys is rate-limited too
            if (rateLimiter.isPresent()) {
              limit(x, "address:" + Request.getRemoteAddr(request), rateLimiter.get());
            }
            throw refused;
          }
        }
        if (match.auth() == Routes.Auth.KEY && rateLimiter.isPresent()) {
          limit(x, config.apiKeys().isPresent()
              ? "key:" + x.principal().name() // unique: ApiKeys refuses two keys with one name
              : "address:" + Request.getRemoteAddr(request), rateLimiter.get());
        }
        match.handler().handle(x);
        if (!x.responded()) {
          throw new IllegalStateException("route gave no response");
        }
      } catch (HttpError e) {
        status = e.status();
        respond(x, e);
      } catch (EventStoreException e) {
        HttpError mapped = ErrorResponses.of(e);
        status = mapped.status();
        respond(x, mapped);
      } catch (EventCodecException e) {
        LOG.error("{} {}: {}", request.getMethod(), request.getHttpURI().getPath(), e.getMessage());
        HttpError mapped = ErrorResponses.of(e);
        status = mapped.status();
        respond(x, mapped);
      } catch (Exception e) {
        Optional<java.sql.SQLException> unreachable = DatabaseUnreachable.in(e);
        if (Thread.currentThread().isInterrupted() || stopping) {
          status = 503;
          respond(x, new HttpError(503, "unavailable", "the server is shutting down"));
        } else if (unreachable.isPresent()) {
          status = 503;
          x.header(org.eclipse.jetty.http.HttpHeader.RETRY_AFTER, "5");
          respond(x, DatabaseUnreachable.unavailable(unreachable.get()));
        } else {
          LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
          status = 500;
          respond(x, new HttpError(500, "internal_error", "the server failed: " + e));
        }
      }
      metrics.request(status);
      return true;
    }

    private void respond(Exchange x, HttpError e) {
      if (x.responded()) {
        return;
      }
      try {
        x.error(e);
      } catch (Exception failed) {
        LOG.debug("could not send an error response", failed);
      }
    }

    /** Takes a token for the caller (its key, or its address without auth); 429 with Retry-After when none is left. */
    private void limit(Exchange x, String caller, RateLimiter limiter) {
      long waitNanos = limiter.take(caller);
      if (waitNanos > 0) {
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        x.header(HttpHeader.RETRY_AFTER, Long.toString(seconds));
        throw new HttpError(429, "rate_limited", "over the rate limit of " + config.rateLimit().orElseThrow().perSecond()
            + " requests/s (burst " + config.rateLimit().orElseThrow().burst() + "); retry in " + seconds + " s",
            java.util.Map.of("retryAfterSeconds", seconds));
      }
    }

    private Principal authenticate(Exchange x) {
      Optional<String> header = x.header(HttpHeader.AUTHORIZATION);
      if (header.isEmpty()) {
        throw HttpError.unauthorized("an API key is required: Authorization: Bearer <key>");
      }
      String h = header.get().strip();
      if (!h.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
        throw HttpError.unauthorized("the Authorization header must be 'Bearer <key>'");
      }
      return config.apiKeys().get().authenticate(h.substring(7).strip())
          .orElseThrow(() -> HttpError.unauthorized("unknown API key"));
    }
  }
}
