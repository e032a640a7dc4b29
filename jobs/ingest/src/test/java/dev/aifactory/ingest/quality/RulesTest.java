package dev.aifactory.ingest.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.ingest.domain.DomainSpecs;
import dev.aifactory.schemas.SchemaCatalog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class RulesTest {

  private static final Schema CONTRACT = SchemaCatalog.bundled().contract("dev.aifactory.payments.Transaction").schema();
  private static final long NOW = 1_767_225_600_000L;

  private static RuleSpec spec(String name, String field) {
    return new RuleSpec(name, field, null, null, null, null, null, null, null, null);
  }

  private static GenericRecord valid() {
    GenericRecord r = new GenericData.Record(CONTRACT);
    r.put("event_id", "evt-12345678");
    r.put("card_id", "c");
    r.put("merchant_id", "m-1");
    r.put("amount", 10.0);
    r.put("currency", "EUR");
    r.put("event_time", NOW);
    r.put("channel", "pos");
    return r;
  }

  private static String firstViolation(GenericRecord record, byte[] key) {
    for (QualityRule rule : Rules.from(DomainSpecs.load("transactions").rules(), CONTRACT)) {
      if (rule.check(record, key, NOW) != null) {
        return rule.name();
      }
    }
    return null;
  }

  @Test
  void theBundledTransactionRulesPassAValidRecordAndNameEachViolation() {
    byte[] key = "evt-12345678".getBytes(StandardCharsets.UTF_8);
    assertThat(firstViolation(valid(), key)).isNull();

    GenericRecord r = valid();
    r.put("amount", Double.NaN);
    assertThat(firstViolation(r, key)).isEqualTo("amount_range");
    r = valid();
    r.put("event_time", NOW + 6 * 60_000L);
    assertThat(firstViolation(r, key)).isEqualTo("event_time_not_future");
    r = valid();
    r.put("event_time", NOW + 4 * 60_000L); // inside the 5 min tolerance
    assertThat(firstViolation(r, key)).isNull();
    assertThat(firstViolation(valid(), null)).isEqualTo("key_is_event_id");
    assertThat(firstViolation(valid(), "other-key".getBytes(StandardCharsets.UTF_8))).isEqualTo("key_is_event_id");
    r = valid();
    r.put("merchant_id", "m".repeat(65));
    assertThat(firstViolation(r, key)).isEqualTo("merchant_id_length");
  }

  @Test
  void aRuleMustDeclareExactlyOneCheckOnAFieldTheContractHas() {
    assertThatThrownBy(() -> Rules.from(List.of(spec("nothing", "amount")), CONTRACT))
        .hasMessageContaining("exactly one check");
    assertThatThrownBy(() -> Rules.from(List.of(new RuleSpec("typo", "amout", true, null, null, null, null, null, null, null)),
        CONTRACT)).hasMessageContaining("amout");
    RuleSpec notNull = new RuleSpec("dup", "amount", true, null, null, null, null, null, null, null);
    assertThatThrownBy(() -> Rules.from(List.of(notNull, notNull), CONTRACT)).hasMessageContaining("unique name");
  }
}
