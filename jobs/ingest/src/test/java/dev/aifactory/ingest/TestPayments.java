package dev.aifactory.ingest;

import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.schemas.SchemaCatalog;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** A valid payment written by hand, for tests that then break or reframe it. */
public final class TestPayments {

  public static final Schema CONTRACT = SchemaCatalog.bundled().contract(PaymentsGenerator.TRANSACTION).schema();

  private TestPayments() {}

  /** A payment passing every rule, happening now, written with {@code writer} (the contract or a superset). */
  public static GenericRecord payment(Schema writer, String eventId) {
    GenericRecord r = new GenericData.Record(writer);
    r.put("event_id", eventId);
    r.put("card_id", "card-test");
    r.put("merchant_id", "m-test");
    r.put("amount", 21.0);
    r.put("currency", "EUR");
    r.put("event_time", System.currentTimeMillis());
    r.put("channel", "pos");
    return r;
  }

  /** The contract plus an optional field only a registry knows. */
  public static Schema contractWithLoyaltyTier() {
    return new Schema.Parser().parse(CONTRACT.toString().replace("\"fields\":[",
        "\"fields\":[{\"name\":\"loyalty_tier\",\"type\":[\"null\",\"string\"],\"default\":null},"));
  }
}
