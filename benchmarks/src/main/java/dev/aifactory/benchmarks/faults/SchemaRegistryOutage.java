package dev.aifactory.benchmarks.faults;

import dev.aifactory.localstack.LocalSchemaRegistry;
import dev.aifactory.schemas.SchemaCatalog;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The schema registry the drills' producers frame their messages with, which a drill can take
 * down and bring back on the same address with the same ids (the registry's store survives an
 * outage; this in-process one is re-filled in registration order, which gives the same ids).
 */
final class SchemaRegistryOutage implements AutoCloseable {

  private final String host = "127.0.0.1";
  private final int port;
  private final List<Schema> registered = new ArrayList<>();
  private LocalSchemaRegistry registry;

  SchemaRegistryOutage() {
    this.registry = LocalSchemaRegistry.start();
    this.port = Integer.parseInt(registry.url().substring(registry.url().lastIndexOf(':') + 1));
  }

  String url() {
    return "http://" + host + ":" + port;
  }

  /**
   * Registers the transaction contract as a new writer schema version (the same fields, a
   * property naming the release), as a producer does when it upgrades; returns its id. Ingest has
   * not seen the id yet, so it must fetch it from the registry.
   */
  synchronized int registerWriterRelease(String release) {
    Schema contract = SchemaCatalog.bundled().contract("dev.aifactory.payments.Transaction").schema();
    Schema writer = new Schema.Parser().parse(contract.toString());
    writer.addProp("x-writer-release", release);
    registered.add(writer);
    return registry.register(writer);
  }

  synchronized void stop() {
    registry.close();
    registry = null;
  }

  synchronized void restart() {
    registry = LocalSchemaRegistry.start(host, port);
    registered.forEach(registry::register);
  }

  @Override
  public synchronized void close() {
    if (registry != null) {
      registry.close();
    }
  }
}
