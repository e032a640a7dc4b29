package dev.aifactory.common.generator;

import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Realistic card payments with learnable fraud, deterministic for a seed.
 *
 * <p>Each card has a home country, a usual channel and a typical amount. A compromised card,
 * from some point on, shows the patterns a fraud model should learn: bursts of payments minutes
 * apart, amounts far above its usual, merchants it never used (from a risky pool), and geo jumps
 * to another country. Fraud is labelled days later (chargebacks); a share of genuine payments
 * gets a "confirmed genuine" label. Writers use schema v1, v2 or v3, and the stream carries
 * duplicates, late events and malformed messages at configured rates.
 */
public final class PaymentsGenerator implements Iterator<GeneratedMessage> {

  public static final String TRANSACTION = "dev.aifactory.payments.Transaction";
  public static final String LABEL = "dev.aifactory.payments.Label";
  private static final String[] COUNTRIES = {"DE", "FR", "NL", "ES", "IT", "PL", "SE", "IE", "PT", "BE"};
  private static final String[] FRAUD_COUNTRIES = {"BR", "NG", "RU", "VN", "ID"};
  private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "USD", "GBP"};
  private static final String[] CHANNELS = {"pos", "ecom", "atm"};
  private static final long DAY = 86_400_000L;

  private final GeneratorSettings settings;
  private final String transactionTopic;
  private final String labelTopic;
  private final SplittableRandom random;
  private final Schema[] versions;
  private final Schema labelSchema;
  private final Card[] cards;
  private final Deque<GeneratedMessage> pending = new ArrayDeque<>();
  private long clock;
  private long sequence;
  /** Null: event times follow the synthetic clock from the start. Set: payments happen now. */
  private java.util.function.LongSupplier wallClock;

  public PaymentsGenerator(GeneratorSettings settings, String transactionTopic, String labelTopic) {
    this.settings = settings;
    this.transactionTopic = transactionTopic;
    this.labelTopic = labelTopic;
    this.random = new SplittableRandom(settings.seed());
    SchemaCatalog catalog = SchemaCatalog.bundled();
    this.versions = catalog.versions(TRANSACTION).stream().map(SchemaCatalog.VersionedSchema::schema).toArray(Schema[]::new);
    this.labelSchema = catalog.contract(LABEL).schema();
    this.clock = settings.startMillis();
    this.cards = new Card[settings.cards()];
    for (int i = 0; i < cards.length; i++) {
      cards[i] = new Card(i);
    }
  }

  /**
   * Live mode: each payment happens when it is generated (event time = the wall clock, as
   * authorisations do), so the jobs can be timed from creation; late ones lag behind now. A
   * fraud burst's payments follow each other seconds apart, not minutes, so none is in the
   * future when sent. The same seed gives the same cards, amounts and fraud, not the same times.
   */
  public PaymentsGenerator live() {
    this.wallClock = System::currentTimeMillis;
    return this;
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public GeneratedMessage next() {
    if (pending.isEmpty()) {
      produceOne();
    }
    GeneratedMessage next = pending.poll();
    if (next == null) {
      throw new NoSuchElementException();
    }
    return next;
  }

  /** The next {@code n} messages. */
  public List<GeneratedMessage> take(int n) {
    List<GeneratedMessage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  /**
   * One genuine transaction of card {@code cardIndex} (modulo the number of cards) at
   * {@code eventTime}: live traffic for the demo and latency benchmarks, which stamp each payment
   * with the time they send it.
   */
  public GeneratedMessage transactionAt(int cardIndex, long eventTime) {
    Card card = cards[Math.floorMod(cardIndex, cards.length)];
    GenericRecord tx = transaction(card, false, eventTime);
    String eventId = tx.get("event_id").toString();
    return new GeneratedMessage(transactionTopic, eventId.getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(tx), eventTime,
        GeneratedMessage.Kind.TRANSACTION, eventId);
  }

  private void produceOne() {
    long gap = 1 + (long) (-Math.log(1 - random.nextDouble()) * settings.meanGapMillis());
    clock = wallClock == null ? clock + gap : Math.max(clock + 1, wallClock.getAsLong());
    double roll = random.nextDouble();
    if (roll < settings.malformedRate()) {
      pending.add(malformed());
      return;
    }
    Card card = cards[random.nextInt(cards.length)];
    if (card.compromisedFrom < 0 && random.nextDouble() < settings.fraudRate() / 50) {
      card.compromisedFrom = clock;
    }
    boolean fraud = card.compromisedFrom >= 0 && clock >= card.compromisedFrom && card.fraudLeft > 0;
    int burst = fraud ? 1 + random.nextInt(4) : 1;
    for (int i = 0; i < burst; i++) {
      boolean late = random.nextDouble() < settings.lateRate();
      long spacing = wallClock == null ? 30_000L + random.nextInt(90_000) : 1 + random.nextInt(3);
      long eventTime = late ? clock - 10 * 60_000L - random.nextInt(3_600_000) : clock + i * spacing;
      GenericRecord tx = transaction(card, fraud, eventTime);
      byte[] bytes = AvroWire.singleObject(tx);
      String eventId = tx.get("event_id").toString();
      byte[] key = eventId.getBytes(StandardCharsets.UTF_8);
      pending.add(new GeneratedMessage(transactionTopic, key, bytes, eventTime,
          late ? GeneratedMessage.Kind.LATE : GeneratedMessage.Kind.TRANSACTION, eventId));
      if (random.nextDouble() < settings.duplicateRate()) {
        pending.add(new GeneratedMessage(transactionTopic, key, bytes, eventTime, GeneratedMessage.Kind.DUPLICATE, eventId));
      }
      if (labelTopic != null && (fraud || random.nextDouble() < settings.labelRate())) {
        pending.add(label(tx, card, fraud));
      }
      if (fraud) {
        card.fraudLeft--;
      }
    }
  }

  private GenericRecord transaction(Card card, boolean fraud, long eventTime) {
    double versionRoll = random.nextDouble();
    Schema schema = versionRoll < settings.v1Share() ? versions[0]
        : versionRoll < settings.v1Share() + settings.v2Share() ? versions[1] : versions[versions.length - 1];
    GenericRecord r = new GenericData.Record(schema);
    r.put("event_id", String.format("tx-%d-%010d", settings.seed(), sequence++));
    r.put("card_id", card.id);
    double amount = fraud
        ? card.typicalAmount * (4 + random.nextDouble() * 12)
        : Math.max(0.5, card.typicalAmount * Math.exp(random.nextGaussian() * 0.5));
    amount = Math.round(amount * 100) / 100.0;
    String merchant = fraud && random.nextDouble() < 0.7
        ? "m-risky-" + random.nextInt(40)
        : card.favouriteMerchants[random.nextInt(card.favouriteMerchants.length)];
    r.put("merchant_id", merchant);
    if (schema.getField("amount").schema().getType() == Schema.Type.FLOAT) {
      r.put("amount", (float) amount);
    } else {
      r.put("amount", amount);
    }
    r.put("currency", card.currency);
    r.put("event_time", eventTime);
    r.put("channel", fraud ? "ecom" : card.channel);
    if (schema.getField("geo_country") != null) {
      String country = fraud && random.nextDouble() < 0.6 ? FRAUD_COUNTRIES[random.nextInt(FRAUD_COUNTRIES.length)] : card.country;
      r.put("geo_country", country);
      r.put("geo_lat", Math.round((35 + random.nextDouble() * 25) * 1e4) / 1e4);
      r.put("geo_lon", Math.round((-10 + random.nextDouble() * 35) * 1e4) / 1e4);
      r.put("ip_address", "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256));
    }
    if (schema.getField("device_id") != null) {
      r.put("device_id", fraud ? "dev-" + Long.toHexString(random.nextLong()) : card.device);
    }
    return r;
  }

  private GeneratedMessage label(GenericRecord tx, Card card, boolean fraud) {
    long txTime = (Long) tx.get("event_time");
    long delay = fraud ? 2 * DAY + random.nextInt((int) (20 * DAY / 1000)) * 1000L : DAY + random.nextInt(3_600_000);
    // Live, a label days ahead would be an event from the future: it is confirmed within a minute.
    long labelTime = txTime + (wallClock == null ? delay : 1_000 + random.nextInt(59_000));
    GenericRecord label = new GenericData.Record(labelSchema);
    String eventId = "lb-" + tx.get("event_id");
    label.put("event_id", eventId);
    label.put("transaction_id", tx.get("event_id").toString());
    label.put("card_id", card.id);
    label.put("is_fraud", fraud);
    label.put("label_source", fraud ? (random.nextBoolean() ? "chargeback" : "fraud_report") : "confirmed_genuine");
    label.put("transaction_time", txTime);
    label.put("event_time", labelTime);
    return new GeneratedMessage(labelTopic, eventId.getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(label),
        labelTime, GeneratedMessage.Kind.LABEL, eventId);
  }

  /** A bad message of one of several kinds: some undecodable, some decodable but invalid. */
  private GeneratedMessage malformed() {
    Card card = cards[random.nextInt(cards.length)];
    GenericRecord tx = transaction(card, false, clock);
    String eventId = tx.get("event_id").toString();
    byte[] key = eventId.getBytes(StandardCharsets.UTF_8);
    byte[] good = AvroWire.singleObject(tx);
    int kind = random.nextInt(6);
    switch (kind) {
      case 0 -> {
        return bad(key, Arrays.copyOf(good, 1 + random.nextInt(good.length - 2)), eventId); // truncated
      }
      case 1 -> {
        byte[] flipped = good.clone();
        flipped[2 + random.nextInt(8)] ^= (byte) (1 << random.nextInt(8)); // fingerprint bit flip
        return bad(key, flipped, eventId);
      }
      case 2 -> {
        return bad(key, new byte[0], eventId); // empty payload
      }
      case 3 -> {
        tx.put("amount", tx.getSchema().getField("amount").schema().getType() == Schema.Type.FLOAT ? (Object) (-12.0f) : (Object) (-12.0));
        return invalid(key, tx, eventId);
      }
      case 4 -> {
        tx.put("currency", "XXX");
        return invalid(key, tx, eventId);
      }
      default -> {
        tx.put("event_time", clock + 36_500 * DAY); // a century ahead: future by any clock
        return invalid(key, tx, eventId);
      }
    }
  }

  private GeneratedMessage bad(byte[] key, byte[] value, String eventId) {
    return new GeneratedMessage(transactionTopic, key, value, clock, GeneratedMessage.Kind.UNDECODABLE, eventId);
  }

  private GeneratedMessage invalid(byte[] key, GenericRecord tx, String eventId) {
    return new GeneratedMessage(transactionTopic, key, AvroWire.singleObject(tx), clock,
        GeneratedMessage.Kind.RULE_VIOLATION, eventId);
  }

  /** A card and its habits. */
  private final class Card {
    final String id;
    final String country;
    final String currency;
    final String channel;
    final String device;
    final double typicalAmount;
    final String[] favouriteMerchants;
    long compromisedFrom = -1;
    int fraudLeft;

    Card(int index) {
      this.id = String.format("card-%06d", index);
      this.country = COUNTRIES[random.nextInt(COUNTRIES.length)];
      this.currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
      this.channel = CHANNELS[random.nextInt(2)];
      this.device = "dev-" + Integer.toHexString(index * 7919);
      this.typicalAmount = Math.exp(2.5 + random.nextGaussian() * 0.8);
      int favourites = 3 + random.nextInt(6);
      this.favouriteMerchants = new String[favourites];
      for (int i = 0; i < favourites; i++) {
        favouriteMerchants[i] = "m-" + random.nextInt(settings.merchants());
      }
      this.fraudLeft = 3 + random.nextInt(8);
    }
  }

  /** Counts by kind, for summaries and assertions. */
  public static Map<GeneratedMessage.Kind, Long> countByKind(List<GeneratedMessage> messages) {
    Map<GeneratedMessage.Kind, Long> counts = new HashMap<>();
    messages.forEach(m -> counts.merge(m.kind(), 1L, Long::sum));
    return counts;
  }
}
