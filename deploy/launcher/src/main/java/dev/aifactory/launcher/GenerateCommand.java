package dev.aifactory.launcher;

import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Publishes generated payments and labels to Kafka. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Send realistic transactions and labels (with drift, duplicates, late and malformed records) to Kafka.")
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--events", defaultValue = "10000", description = "Messages to send (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--rate", defaultValue = "0", description = "Messages per second, 0 for as fast as possible.")
  int rate;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--start-millis", defaultValue = "1767225600000",
      description = "Event time of the first record, epoch ms (default 2026-01-01T00:00Z). Records are stamped with their"
          + " event time: a topic with time-based retention deletes old ones.")
  long startMillis;

  @Option(names = "--live", description = "Stamp each payment with the time it is sent (event time = now), instead of"
      + " --start-millis plus synthetic gaps: for timing the jobs from creation. Use with --rate.")
  boolean live;

  @Option(names = "--duplicate-rate", defaultValue = "0.02")
  double duplicateRate;

  @Option(names = "--late-rate", defaultValue = "0.01")
  double lateRate;

  @Option(names = "--malformed-rate", defaultValue = "0.01")
  double malformedRate;

  @Option(names = "--v1-share", defaultValue = "0.3", description = "Share written with schema v1.")
  double v1Share;

  @Option(names = "--v2-share", defaultValue = "0.3", description = "Share written with schema v2 (the rest v3).")
  double v2Share;

  @Option(names = "--transactions-topic", defaultValue = "raw.transactions")
  String transactionsTopic;

  @Option(names = "--labels-topic", defaultValue = "raw.labels")
  String labelsTopic;

  @Override
  public Integer call() throws Exception {
    Map<GeneratedMessage.Kind, Long> counts = send(bootstrap, settings(), live, events, rate, transactionsTopic, labelsTopic);
    System.out.println("sent " + events + " messages to " + bootstrap + ": " + counts);
    return 0;
  }

  GeneratorSettings settings() {
    return GeneratorSettings.defaults().withSeed(seed).withStart(startMillis)
        .withRates(duplicateRate, lateRate, malformedRate).withVersionMix(v1Share, v2Share);
  }

  static Map<GeneratedMessage.Kind, Long> send(String bootstrap, GeneratorSettings settings, boolean live, int events,
      int rate, String transactionsTopic, String labelsTopic) throws InterruptedException {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "10");
    p.put("compression.type", "lz4");
    Map<GeneratedMessage.Kind, Long> counts = new EnumMap<>(GeneratedMessage.Kind.class);
    PaymentsGenerator generator = new PaymentsGenerator(settings, transactionsTopic, labelsTopic);
    if (live) {
      generator.live();
    }
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        GeneratedMessage m = generator.next();
        // Live: the producer stamps the send time, as a payment gateway's does, so a late payment
        // arrives late (ArrivalTime). A replay of history stamps each record with its event time,
        // so that the jobs count it as having arrived when it happened.
        producer.send(new ProducerRecord<>(m.topic(), null, live ? null : m.timestamp(), m.key(), m.value()));
        counts.merge(m.kind(), 1L, Long::sum);
        if (rate > 0) {
          long due = start + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      }
      producer.flush();
    }
    return counts;
  }
}
