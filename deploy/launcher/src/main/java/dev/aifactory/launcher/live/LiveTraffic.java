package dev.aifactory.launcher.live;

import dev.aifactory.schemas.tokens.Tokenizer;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.online.OnlineKey;
import dev.aifactory.features.sink.OnlineSchema;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Live payments and what becomes of them: raw payments sent with their event time set to the
 * moment they are sent, and consumers of the scores topic and the online feature topic that note
 * when each payment's score and online row arrive. The demo and the real-time benchmark measure
 * event-to-score and event-to-online latency with it, from the producer's send to a consumer's
 * receipt.
 */
public final class LiveTraffic implements AutoCloseable {

  private static final SchemaCatalog CATALOG = SchemaCatalog.bundled();

  private final String bootstrap;
  private final FeatureView view;
  private final Tokenizer tokens;
  private final PaymentsGenerator generator;
  private final PayloadDecoder decoder;
  private final AtomicBoolean consuming = new AtomicBoolean(true);
  private final List<Thread> consumers = new ArrayList<>();
  /** One latch per consumer: counted down once it has its partitions and end positions. */
  private final List<java.util.concurrent.CountDownLatch> readiness = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Send time (nanos) by event id, and by card@event time (what an online row names). */
  private final Map<String, Long> sent = new ConcurrentHashMap<>();
  private final Map<String, Long> sentByCardTime = new ConcurrentHashMap<>();
  private final Map<String, Long> scored = new ConcurrentHashMap<>();
  private final Map<String, Long> silvered = new ConcurrentHashMap<>();
  private final Map<String, Long> online = new ConcurrentHashMap<>();
  /** Online rows per card, in arrival order, for showing how a card's features moved. */
  private final Map<String, List<GenericData.Record>> rowsByCard = new ConcurrentHashMap<>();

  /**
   * Starts consumers of {@code scoresTopic} and, if not null, {@code onlineTopic} (rows of
   * {@code view}). {@code tokens} tokenizes as ingest does, with the same keyring: the online
   * store names a card by its token.
   */
  public LiveTraffic(String bootstrap, String scoresTopic, String onlineTopic, FeatureView view, long seed, Tokenizer tokens) {
    this.bootstrap = bootstrap;
    this.view = view;
    this.tokens = tokens;
    this.generator = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(seed), "raw.transactions", null);
    this.decoder = new PayloadDecoder(new SingleObjectFormat(CATALOG), CATALOG.contract(PaymentsGenerator.TRANSACTION).schema());
    consumers.add(consume(scoresTopic, r -> {
      var score = dev.aifactory.scoring.Score.fromByteBuffer(ByteBuffer.wrap(r.value()));
      scored.putIfAbsent(score.getEventId(), System.nanoTime());
    }));
    if (onlineTopic != null) {
      BinaryMessageDecoder<GenericData.Record> rows = new BinaryMessageDecoder<>(GenericData.get(), OnlineSchema.of(view));
      dev.aifactory.features.online.OnlineCodec codec = new dev.aifactory.features.online.OnlineCodec(view);
      consumers.add(consume(onlineTopic, r -> {
        OnlineKey key = OnlineKey.resolve(r.key(), r.value(), codec);
        if (r.value() != null && key != null) {
          long now = System.nanoTime();
          GenericData.Record row = rows.decode(r.value());
          String card = key.entity();
          online.putIfAbsent(card + "@" + row.get("valid_from"), now);
          rowsByCard.computeIfAbsent(card, k -> Collections.synchronizedList(new ArrayList<>())).add(row);
        }
      }));
    }
  }

  /**
   * Also times each payment's arrival on ingest's silver topic (keyed by event id), the first
   * hop of the path: call it before {@link #awaitReady()}.
   */
  public LiveTraffic timingSilver(String silverTopic) {
    consumers.add(consume(silverTopic,
        r -> silvered.putIfAbsent(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), System.nanoTime())));
    return this;
  }

  /**
   * Sends {@code rate} payments a second for {@code seconds} to {@code topic}, each for the card
   * {@code cards} names (an index into the generator's cards), stamped with the time it is sent.
   * Returns the cards used (as tokens), in order.
   */
  public List<String> send(String topic, int rate, double seconds, IntSupplier cards) throws InterruptedException {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("linger.ms", "0");
    List<String> used = new ArrayList<>();
    long total = Math.round(rate * seconds);
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < total; i++) {
        long wait = start + i * 1_000_000_000L / rate - System.nanoTime();
        if (wait > 1_000_000) {
          Thread.sleep(wait / 1_000_000);
        }
        GeneratedMessage m = generator.transactionAt(cards.getAsInt(), System.currentTimeMillis());
        String card = cardOf(m);
        long now = System.nanoTime();
        sent.put(m.eventId(), now);
        sentByCardTime.put(card + "@" + m.timestamp(), now);
        used.add(card);
        producer.send(new ProducerRecord<>(topic, null, m.timestamp(), m.key(), m.value()));
      }
    }
    return used;
  }

  /** Waits until every payment sent has a score, or nothing new came for {@code quiet}; true if all were scored. */
  public boolean awaitScores(Duration quiet) throws InterruptedException {
    long last = -1;
    long quietSince = System.nanoTime();
    while (scored.size() < sent.size() && System.nanoTime() - quietSince < quiet.toNanos()) {
      Thread.sleep(100);
      if (scored.size() != last) {
        last = scored.size();
        quietSince = System.nanoTime();
      }
    }
    return scored.keySet().containsAll(sent.keySet());
  }

  public int sent() {
    return sent.size();
  }

  /** Send to score, in ms: p50, p99, max, over the payments scored, and how many were sent and scored. */
  public Map<String, Object> eventToScore() {
    return distribution(sent, scored);
  }

  /** Send to the payment's arrival on the silver topic ({@link #timingSilver}), in ms. */
  public Map<String, Object> eventToSilver() {
    return distribution(sent, silvered);
  }

  /** Send to the payment's own row on the online topic, in ms. */
  public Map<String, Object> eventToOnline() {
    return distribution(sentByCardTime, online);
  }

  /** The values of one feature in a card's online rows, in arrival order. */
  public List<Object> onlineValues(String card, String feature) {
    List<GenericData.Record> rows = rowsByCard.getOrDefault(card, List.of());
    synchronized (rows) {
      return rows.stream().map(r -> r.get(feature)).toList();
    }
  }

  static Map<String, Object> distribution(Map<String, Long> sent, Map<String, Long> answered) {
    List<Double> ms = new ArrayList<>();
    sent.forEach((id, at) -> {
      Long got = answered.get(id);
      if (got != null) {
        ms.add((got - at) / 1e6);
      }
    });
    Collections.sort(ms);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50", ms.isEmpty() ? null : round(ms.get(ms.size() / 2)));
    out.put("p99", ms.isEmpty() ? null : round(ms.get((int) Math.min(ms.size() - 1, Math.floor(ms.size() * 0.99)))));
    out.put("max", ms.isEmpty() ? null : round(ms.get(ms.size() - 1)));
    out.put("sent", sent.size());
    out.put("answered", ms.size());
    return out;
  }

  /** The card of a payment as silver and the online store name it: its token. */
  private String cardOf(GeneratedMessage m) {
    try {
      return tokens.token(decoder.decodeAsContract(m.value()).record().get(view.entity()).toString());
    } catch (Exception e) {
      throw new IllegalStateException("the generator's own payment must decode", e);
    }
  }

  private interface Handler {
    void handle(ConsumerRecord<byte[], byte[]> record) throws Exception;
  }

  private Thread consume(String topic, Handler handler) {
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    readiness.add(ready);
    Thread t = new Thread(() -> {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("group.id", "live-" + topic + "-" + System.nanoTime());
      p.put("auto.offset.reset", "latest");
      p.put("fetch.max.wait.ms", "5");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(topic));
        while (consuming.get() && consumer.assignment().isEmpty()) {
          consumer.poll(Duration.ofMillis(50));
        }
        consumer.assignment().forEach(consumer::position); // the end offsets, resolved before anything is sent
        ready.countDown();
        while (consuming.get()) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
            handler.handle(r);
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException("consuming " + topic, e);
      }
    }, "live-" + topic);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits until the consumers have their partitions and positions (they read from the end), so nothing sent is missed. */
  public void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (java.util.concurrent.CountDownLatch ready : readiness) {
      if (!ready.await(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("the topic consumers got no partitions in 60 s");
      }
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  @Override
  public void close() throws InterruptedException {
    consuming.set(false);
    for (Thread t : consumers) {
      t.join(5_000);
    }
  }
}
