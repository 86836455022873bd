package dev.agentry.neo4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * A local Neo4j 5.26 for development and tests: one embedded DBMS with Bolt on 127.0.0.1.
 *
 * <pre>
 * java -Xmx512m -jar target/agentry-neo4j.jar --data-dir DIR [--port N] [--page-cache 64m]
 *      [--exit-with-stdin] [--delete-on-exit]
 * </pre>
 *
 * Each option can also come from the environment (AGENTRY_NEO4J_DATA, AGENTRY_NEO4J_PORT,
 * AGENTRY_NEO4J_PAGE_CACHE); AGENTRY_NEO4J_PASSWORD turns auth on for the user `neo4j` (it is read
 * from the environment only, so it never shows in `ps`). Port 0 lets the OS pick a free port.
 *
 * <p>It prints {@code NEO4J_READY bolt://127.0.0.1:PORT} once the database is available and Bolt
 * answers a handshake, {@code NEO4J_FAILED <reason>} (and exits 1) when it cannot start, and
 * {@code NEO4J_STOPPED} after a clean shutdown (SIGTERM, SIGINT, or stdin closing).
 */
public final class Launcher {
  private static final String PREFIX = "AGENTRY_NEO4J_";

  private Launcher() {}

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      fail(e.getMessage() + "\n" + Options.USAGE);
      return;
    }
    // Shutdown hooks run on SIGTERM/SIGINT and on System.exit, so every way out stops the DBMS
    // cleanly (a killed store needs recovery at the next start, and deleting a live store
    // corrupts nothing only because nothing reads it afterwards).
    Holder holder = new Holder();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> holder.stop(options), "neo4j-shutdown"));
    if (options.exitWithStdin) watchStdin();
    try {
      String url = start(options, holder);
      System.out.println("NEO4J_READY " + url);
      System.out.flush();
    } catch (Throwable e) {
      fail(rootMessage(e));
    }
    // The DBMS runs on its own non-daemon threads; main returns and the JVM lives until a signal.
  }

  private static String start(Options options, Holder holder) throws IOException {
    if (options.deleteOnExit && Files.isDirectory(options.dataDir)) {
      try (Stream<Path> entries = Files.list(options.dataDir)) {
        // A guard against a wrong argument wiping someone's data: only a fresh dir is throw-away.
        if (entries.findAny().isPresent())
          throw new IllegalArgumentException(
              "--delete-on-exit needs a new or empty data dir, "
                  + options.dataDir
                  + " is not empty");
      }
    }
    if (options.port != 0) ensurePortFree(options.port);
    Files.createDirectories(options.dataDir);
    String password = System.getenv(PREFIX + "PASSWORD");
    if (password != null && password.isEmpty()) password = null;

    DatabaseManagementServiceBuilder builder =
        new DatabaseManagementServiceBuilder(options.dataDir)
            // Warnings and errors on stderr; the full log stays in DATA/logs/debug.log.
            .setUserLogProvider(new Log4jLogProvider(System.err, Level.WARN))
            .setConfig(BoltConnector.enabled, true)
            // Loopback only: this is a developer's or a test's database, never a shared server.
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", options.port))
            // No HTTP API or browser: clients speak Bolt (neo4j-driver).
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
            // No usage reports to neo4j.com (there is no internet here, and no consent to ask).
            .setConfig(GraphDatabaseSettings.udc_enabled, false)
            // The default page cache is half of the machine's RAM; a dev graph needs megabytes.
            .setConfig(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes)
            .setConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false)
            // Transaction logs: no 256 MiB preallocated files, and only a few small ones kept.
            .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
            .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 16L * 1024 * 1024)
            .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
            // Netty waits a 5 s quiet period per event loop group before it stops (10 s in all);
            // nothing new arrives at a stopping dev server, so stop at once.
            .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
    if (options.port != 0)
      builder.setConfig(
          BoltConnector.advertised_address, new SocketAddress("127.0.0.1", options.port));

    DatabaseManagementService dbms = builder.build();
    holder.dbms = dbms;
    GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    if (!db.isAvailable(60_000))
      throw new IllegalStateException("database did not become available");
    if (password != null) {
      // Embedded calls bypass auth, so this sets the password on every start: the environment is
      // the source of truth, and no one has to log in with neo4j/neo4j to change it first.
      try {
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
            .executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));
      } catch (RuntimeException e) {
        // A restart with the same password: Neo4j refuses to "change" it, and it is already set.
        if (!String.valueOf(rootMessage(e)).contains("cannot be the same")) throw e;
      }
    }
    // With port 0 only the connector knows which port the OS gave it.
    int port =
        ((GraphDatabaseAPI) db)
            .getDependencyResolver()
            .resolveDependency(ConnectorPortRegister.class)
            .getLocalAddress(ConnectorType.BOLT)
            .getPort();
    boltHandshake(port);
    return "bolt://127.0.0.1:" + port;
  }

  /**
   * Neo4j finds a taken port only after it has built its whole DBMS (seconds of CPU); a bind
   * test first makes the common case (another server on 7687) fail at once. SO_REUSEADDR as
   * Netty sets it, so a port in TIME_WAIT from our own last run counts as free.
   */
  private static void ensurePortFree(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + port + " on 127.0.0.1 is in use (" + e.getMessage() + ")");
    }
  }

  /** Proves Bolt answers, not only that the port is open: the server picks a protocol version. */
  private static void boltHandshake(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      // Magic preamble, then four proposed versions (5.x range, 4.4, 4.3, 4.2), as drivers send.
      out.write(new byte[] {(byte) 0x60, (byte) 0x60, (byte) 0xB0, (byte) 0x17});
      out.write(new byte[] {0, 8, 8, 5, 0, 0, 4, 4, 0, 0, 3, 4, 0, 0, 2, 4});
      out.flush();
      int version = new DataInputStream(socket.getInputStream()).readInt();
      if (version == 0) throw new IllegalStateException("Bolt refused every protocol version");
    }
  }

  /** When the process that started us dies, its end of our stdin closes: stop with it. */
  private static void watchStdin() {
    Thread watcher =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[256];
              try {
                while (in.read(buffer) != -1) {
                  // Nothing is ever sent; the pipe only tells that the parent is alive.
                }
              } catch (IOException ignored) {
                // A broken pipe means the same as end of file.
              }
              System.exit(0);
            },
            "stdin-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void fail(String message) {
    System.err.println("NEO4J_FAILED " + message.replace('\n', ' '));
    System.err.flush();
    System.exit(1);
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    String message =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause != e && e.getMessage() != null && !e.getMessage().equals(message))
      return e.getMessage() + ": " + message;
    return message;
  }

  /** What the shutdown hook stops; set once the DBMS exists. */
  private static final class Holder {
    volatile DatabaseManagementService dbms;

    void stop(Options options) {
      DatabaseManagementService current = dbms;
      if (current != null) current.shutdown();
      if (options.deleteOnExit) deleteTree(options.dataDir);
      if (current != null) System.out.println("NEO4J_STOPPED");
      System.out.flush();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  private record Options(
      Path dataDir, int port, long pageCacheBytes, boolean exitWithStdin, boolean deleteOnExit) {
    static final String USAGE =
        "usage: java -jar agentry-neo4j.jar --data-dir DIR [--port N] [--page-cache SIZE]"
            + " [--exit-with-stdin] [--delete-on-exit]";

    static Options parse(String[] args) {
      Map<String, String> values = new HashMap<>();
      boolean exitWithStdin = false;
      boolean deleteOnExit = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--exit-with-stdin" -> exitWithStdin = true;
          case "--delete-on-exit" -> deleteOnExit = true;
          case "--data-dir", "--port", "--page-cache" -> {
            if (i + 1 >= args.length)
              throw new IllegalArgumentException(args[i] + " needs a value");
            values.put(args[i], args[++i]);
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      String dataDir = values.getOrDefault("--data-dir", System.getenv(PREFIX + "DATA"));
      if (dataDir == null || dataDir.isBlank())
        throw new IllegalArgumentException("--data-dir (or AGENTRY_NEO4J_DATA) is required");
      String port = values.getOrDefault("--port", envOr("PORT", "7687"));
      String pageCache = values.getOrDefault("--page-cache", envOr("PAGE_CACHE", "64m"));
      return new Options(
          Path.of(dataDir).toAbsolutePath(),
          parsePort(port),
          parseBytes(pageCache),
          exitWithStdin,
          deleteOnExit);
    }

    private static String envOr(String name, String fallback) {
      String value = System.getenv(PREFIX + name);
      return value == null || value.isBlank() ? fallback : value;
    }

    private static int parsePort(String text) {
      try {
        int port = Integer.parseInt(text.trim());
        if (port >= 0 && port <= 65535) return port;
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException("port must be 0-65535, got \"" + text + "\"");
    }

    /** 64m, 512k, 1g or a plain number of bytes. */
    private static long parseBytes(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      if (t.endsWith("k")) unit = 1024;
      else if (t.endsWith("m")) unit = 1024 * 1024;
      else if (t.endsWith("g")) unit = 1024L * 1024 * 1024;
      String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
      try {
        long n = Long.parseLong(digits);
        if (n > 0) return n * unit;
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException("page cache size like 64m expected, got \"" + text + "\"");
    }
  }
}
