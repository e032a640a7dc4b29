package dev.aifactory.scoring.review;

import dev.aifactory.common.kafka.TopicFollower;
import dev.aifactory.payments.Label;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.scoring.ReviewCase;
import dev.aifactory.scoring.ReviewVerdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where people work the review queue: the open cases (on the review topic, without a verdict on
 * the verdicts topic) and their verdicts. A verdict is written twice in one Kafka transaction:
 * on the compacted verdicts topic, which closes the case, and as a {@link Label} (source
 * {@code review}, the case's payment as its transaction) on the labels topic, which the ingest
 * job lands in {@code silver.labels}, where training sets read labels. Either both are visible or
 * neither. A verdict is final: a closed case takes no second one.
 */
public final class ReviewDesk {

  public static final String DEFAULT_VERDICTS_TOPIC = "review.verdicts";
  public static final String DEFAULT_LABELS_TOPIC = "raw.labels";
  public static final String LABEL_SOURCE = "review";

  private static final Logger LOG = LoggerFactory.getLogger(ReviewDesk.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  /** Topics and clients; {@code consumer} and {@code producer} hold extra client properties (security). */
  public record Topics(String bootstrap, Properties consumer, Properties producer, String cases, String verdicts, String labels) {}

  private final Topics topics;

  public ReviewDesk(Topics topics) {
    this.topics = topics;
  }

  /** Every case without a verdict, oldest first; a case written twice (at-least-once) is one. */
  public List<ReviewCase> open() throws IOException, InterruptedException {
    Set<String> closed = verdicts().keySet();
    Map<String, ReviewCase> cases = new ConcurrentHashMap<>();
    readAll(topics.cases(), bytes -> {
      ReviewCase c = ReviewCases.decode(bytes);
      cases.putIfAbsent(c.getCaseId(), c);
    });
    List<ReviewCase> open = new ArrayList<>();
    for (ReviewCase c : cases.values()) {
      if (!closed.contains(c.getCaseId())) {
        open.add(c);
      }
    }
    open.sort(Comparator.comparing(ReviewCase::getOpenedAt).thenComparing(ReviewCase::getCaseId));
    return open;
  }

  /**
   * Records a verdict on an open case and the label it makes.
   *
   * @throws IllegalArgumentException the case is unknown or already has a verdict
   */
  public ReviewVerdict decide(String caseId, boolean fraud, String reviewer, String note) throws IOException, InterruptedException {
    if (reviewer == null || reviewer.isBlank()) {
      throw new IllegalArgumentException("a verdict needs the reviewer's name");
    }
    ReviewCase c = open().stream().filter(o -> o.getCaseId().equals(caseId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no open case " + caseId + ": unknown, or it already has a verdict"));
    Instant now = Instant.now();
    ReviewVerdict verdict = ReviewVerdict.newBuilder().setCaseId(caseId).setIsFraud(fraud).setReviewer(reviewer)
        .setNote(note).setDecidedAt(now).build();
    Label label = Label.newBuilder()
        .setEventId("rv-" + caseId)
        .setTransactionId(caseId)
        .setCardId(c.getEntityId()) // a token: ingest keeps a token its keyring issued as it is
        .setIsFraud(fraud)
        .setLabelSource(LABEL_SOURCE)
        .setTransactionTime(c.getEventTime())
        .setEventTime(now)
        .build();
    Properties p = new Properties();
    p.putAll(topics.producer());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "factory-review-" + UUID.randomUUID());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      byte[] key = caseId.getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(topics.verdicts(), null, now.toEpochMilli(), key, AvroWire.singleObject(verdict)));
      producer.send(new ProducerRecord<>(topics.labels(), null, now.toEpochMilli(),
          label.getEventId().getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(label)));
      producer.commitTransaction();
    }
    LOG.info("case {} decided {} by {}", caseId, fraud ? "fraud" : "genuine", reviewer);
    return verdict;
  }

  /** Every verdict, by case. */
  public Map<String, ReviewVerdict> verdicts() throws IOException, InterruptedException {
    Map<String, ReviewVerdict> verdicts = new ConcurrentHashMap<>();
    readAll(topics.verdicts(), bytes -> {
      ReviewVerdict v = ReviewVerdict.getDecoder().decode(bytes);
      verdicts.putIfAbsent(v.getCaseId(), v);
    });
    return verdicts;
  }

  interface Decoder {
    void accept(byte[] value) throws IOException;
  }

  /** Reads a topic from its beginning to where it ended when the read started (committed records). */
  private void readAll(String topic, Decoder decoder) throws IOException, InterruptedException {
    List<String> unreadable = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      TopicFollower.readToEnd(topics.bootstrap(), topics.consumer(), topic, record -> {
        if (record.value() == null) {
          return;
        }
        try {
          decoder.accept(record.value());
        } catch (IOException | RuntimeException e) {
          unreadable.add(record.partition() + "@" + record.offset() + ": " + e.getMessage());
        }
      }, READ_TIMEOUT);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!unreadable.isEmpty()) {
      // Never drop a case silently: a record this version cannot read stops the listing.
      throw new IOException(unreadable.size() + " unreadable records on " + topic + ", first " + unreadable.get(0));
    }
  }
}
