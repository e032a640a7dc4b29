package dev.aifactory.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real Redis server (Debian's {@code redis-server}) as a child process on a free loopback
 * port, with no persistence, for tests and the local stack. {@code .ci/run} and
 * {@code deploy/local/start-stack.sh} install the package; without it, start fails with a message
 * that says so.
 */
public final class LocalRedis implements AutoCloseable {

  private final Process process;
  private final int port;

  private LocalRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static LocalRedis start(Path workDir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return start(workDir, port);
  }

  /** On a given port: a server stopped with {@link #close} can be started again where its clients look for it. */
  public static LocalRedis start(Path workDir, int port) throws IOException, InterruptedException {
    String binary = System.getenv().getOrDefault("REDIS_SERVER", "redis-server");
    Files.createDirectories(workDir);
    Process process;
    try {
      process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", workDir.toAbsolutePath().toString())
          .redirectErrorStream(true).redirectOutput(workDir.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new IOException("cannot run " + binary + ": install Debian's redis-server package (.ci/run does), or set"
          + " REDIS_SERVER to the server binary", e);
    }
    // A JVM that exits without closing this (System.exit, a failed test run) must not leave the
    // server running.
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "stop-redis-" + port));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + "; see " + workDir.resolve("redis.log"));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new LocalRedis(process, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not listen on " + port + " within 20 s");
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the server now (an outage); the store's clients then time out. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
