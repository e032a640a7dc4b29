package dev.aifactory.benchmarks.faults;

import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.schemas.SchemaCatalog;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Live payments at a fixed rate to one raw topic, registry-framed with the writer schema id of
 * the moment, and what the broker acknowledged: the event ids a drill must find once in silver,
 * each with when it was acknowledged. Producer retries redeliver (the generator's own duplicates
 * too), which ingest must drop; a send the producer gave up on is counted, not expected.
 */
final class SteadyLoad implements AutoCloseable {

  private final String topic;
  private final int perSecond;
  private final KafkaProducer<byte[], byte[]> producer;
  private final PaymentsGenerator generator;
  private final long contractFingerprint;
  private final Map<String, Long> ackedAtNanos = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong(); // messages, redeliveries included
  private final AtomicLong failed = new AtomicLong();
  private final Thread thread;
  private volatile int schemaId;
  private volatile boolean running = true;

  SteadyLoad(String bootstrap, String topic, int perSecond, int schemaId, long seed) {
    this.topic = topic;
    this.perSecond = perSecond;
    this.schemaId = schemaId;
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("linger.ms", "5");
    p.put("acks", "all");
    // outlasts every drill's outage: a send the producer gives up on is not expected downstream
    p.put("delivery.timeout.ms", "180000");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    GeneratorSettings settings = GeneratorSettings.defaults().withSeed(seed).withVersionMix(0, 0);
    this.generator = new PaymentsGenerator(settings.withRates(settings.duplicateRate(), 0, 0), topic, topic + ".labels").live();
    this.contractFingerprint = SchemaNormalization.parsingFingerprint64(
        SchemaCatalog.bundled().contract(PaymentsGenerator.TRANSACTION).schema());
    this.thread = new Thread(this::run, "steady-load-" + topic);
  }

  SteadyLoad start() {
    thread.start();
    return this;
  }

  /** Frames every later message with this id: a producer that upgraded its writer schema. */
  void switchSchemaId(int id) {
    this.schemaId = id;
  }

  private void run() {
    long start = System.nanoTime();
    for (long i = 0; running; i++) {
      GeneratedMessage m = generator.next();
      if (!m.topic().equals(topic)) {
        continue; // labels: not part of the drill
      }
      sent.incrementAndGet();
      boolean good = m.kind() == GeneratedMessage.Kind.TRANSACTION || m.kind() == GeneratedMessage.Kind.DUPLICATE;
      producer.send(new ProducerRecord<>(topic, null, m.timestamp(), m.key(), registryFramed(m.value())), (meta, error) -> {
        if (error != null) {
          failed.incrementAndGet();
        } else if (good) {
          ackedAtNanos.putIfAbsent(m.eventId(), System.nanoTime());
        }
      });
      long wait = start + (i + 1) * 1_000_000_000L / perSecond - System.nanoTime();
      if (wait > 1_000_000) {
        try {
          Thread.sleep(wait / 1_000_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The generator's single-object message (C3 01, 8-byte fingerprint, body) as registry framing. */
  private byte[] registryFramed(byte[] singleObject) {
    long fingerprint = ByteBuffer.wrap(singleObject, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (fingerprint != contractFingerprint) {
      throw new IllegalStateException("the generator wrote another schema than the contract");
    }
    byte[] body = Arrays.copyOfRange(singleObject, 10, singleObject.length);
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
  }

  /** Stops sending and waits for every acknowledgement or failure. */
  void stop() throws InterruptedException {
    running = false;
    thread.join();
    producer.flush();
  }

  /** Event ids acknowledged so far, each with the System.nanoTime() of its first acknowledgement. */
  Map<String, Long> acked() {
    return ackedAtNanos;
  }

  long ackedBefore(long nanos) {
    return ackedAtNanos.values().stream().filter(t -> t <= nanos).count();
  }

  long sent() {
    return sent.get();
  }

  long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    running = false;
    producer.close();
  }
}
