package dev.aifactory.schemas.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassificationsTest {

  private static final Schema TRANSACTION = SchemaCatalog.bundled().contract("dev.aifactory.payments.Transaction").schema();

  @Test
  void theBundledContractsDeclareAClassAndAProtectionForEveryClassifiedField() {
    for (String name : SchemaCatalog.bundled().names()) {
      for (var version : SchemaCatalog.bundled().versions(name)) {
        Classifications.of(version.schema()); // throws on a class without a usable protection
      }
    }
    assertThat(Classifications.of(TRANSACTION).classesByField()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
        "card_id", "pci", "device_id", "pii", "ip_address", "pii", "geo_lat", "quasi_identifier", "geo_lon", "quasi_identifier"));
  }

  @Test
  void protectReplacesEveryClassifiedValueAndKeepsTheRest(@TempDir Path dir) {
    Tokenizer tokens = new Tokenizer(Keyring.create(dir.resolve("k")));
    GenericRecord r = new GenericData.Record(TRANSACTION);
    r.put("event_id", "e-1");
    r.put("card_id", "card-000042");
    r.put("amount", 12.5);
    r.put("currency", "EUR");
    r.put("event_time", 1L);
    r.put("geo_lat", 48.856613);
    r.put("geo_lon", 2.352222);
    r.put("ip_address", "203.0.113.77");
    r.put("device_id", "dev-9");

    Classifications.of(TRANSACTION).protect(r, tokens);

    assertThat(r.get("card_id")).isEqualTo(tokens.token("card-000042"));
    assertThat(r.get("device_id")).isEqualTo(tokens.token("dev-9"));
    assertThat(r.get("geo_lat")).isEqualTo(48.86);
    assertThat(r.get("geo_lon")).isEqualTo(2.35);
    assertThat(r.get("ip_address")).isEqualTo("203.0.113.0");
    assertThat(r.get("event_id")).isEqualTo("e-1");
    assertThat(r.get("amount")).isEqualTo(12.5);
    assertThat(r.get("merchant_id")).isNull();
  }

  /** A reviewer's label knows the card only by its token: tokenizing it again would orphan it. */
  @Test
  void aTokenOfTheKeyringIsKeptAndARawValueIsTokenized(@TempDir Path dir) {
    Tokenizer tokens = new Tokenizer(Keyring.create(dir.resolve("keyring")));
    Protection tokenize = Protection.parse("tokenize");
    String token = tokens.token("4111111111111111");
    assertThat(tokenize.apply("4111111111111111", tokens)).isEqualTo(token);
    assertThat(tokenize.apply(token, tokens)).isEqualTo(token);
  }

  @Test
  void addressesAreCutToTheirPrefixAndAnythingElseIsDropped() {
    Protection ip = Protection.parse("ip-prefix:24/48");
    assertThat(ip.apply("2001:db8:abcd:12:1:2:3:4", null)).isEqualTo("2001:db8:abcd:0:0:0:0:0");
    assertThat(ip.apply("10.1.2.3", null)).isEqualTo("10.1.2.0");
    assertThat(ip.apply("999.1.2.3", null)).isNull();
    assertThat(ip.apply("evil.example.com", null)).isNull(); // never a DNS lookup, never passed through
    assertThat(ip.apply("user@10.1.2.3", null)).isNull();
    assertThat(Protection.parse("round:2").apply(Double.NaN, null)).isEqualTo(Double.NaN);
  }

  @Test
  void aClassifiedFieldThatCannotBeProtectedIsRefused() {
    Schema noProtection = new Schema.Parser().parse("""
        {"type":"record","name":"R","fields":[{"name":"lat","type":"double","classification":"quasi_identifier"}]}""");
    assertThatThrownBy(() -> Classifications.of(noProtection)).hasMessageContaining("declares no \"protection\"");
    Schema tokenizedNumber = new Schema.Parser().parse("""
        {"type":"record","name":"R","fields":[{"name":"n","type":"long","classification":"pii","protection":"tokenize"}]}""");
    assertThatThrownBy(() -> Classifications.of(tokenizedNumber)).hasMessageContaining("cannot be tokenized");
    Schema unknownClass = new Schema.Parser().parse("""
        {"type":"record","name":"R","fields":[{"name":"s","type":"string","classification":"secretish"}]}""");
    assertThatThrownBy(() -> Classifications.of(unknownClass)).hasMessageContaining("unknown data class");
  }
}
