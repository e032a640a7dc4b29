package dev.aifactory.models.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class ModelChangesTest {

  private static final ModelSignature SIGNATURE =
      new ModelSignature("card_activity", 2, "ed37a7db", List.of("a", "b"), "card_activity_v2", "score");
  private static final ModelVersion MODEL = new ModelVersion("fraud", 3, ModelStage.CHAMPION, "file:/m.onnx", "abc", SIGNATURE);

  @Test
  void aControlMessageCarriesTheViewDefinitionHash() throws Exception {
    ModelVersion decoded = ModelChanges.decode(ModelChanges.encode(MODEL, Instant.now()));
    assertThat(decoded).isEqualTo(MODEL);
    assertThat(decoded.signature().sameInputsAs(SIGNATURE)).isTrue();
  }

  @Test
  void aViewEditedUnderTheSameVersionIsNotTheSameInput() {
    ModelSignature edited = new ModelSignature("card_activity", 2, "0bad", List.of("a", "b"), "card_activity_v2", "score");
    assertThat(SIGNATURE.sameInputsAs(edited)).isFalse();
    assertThat(SIGNATURE.describe()).contains("ed37a7db");
  }

  /** Messages written before the hash was carried still decode, and are refused rather than trusted. */
  @Test
  void aVersionOneMessageDecodesWithoutAHashAndMatchesNothing() throws Exception {
    Schema v1 = SchemaCatalog.bundled().versions("dev.aifactory.models.control.ModelChange").get(0).schema();
    assertThat(v1.getField("feature_view_sha256")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("model_name", "fraud");
    old.put("model_version", 3);
    old.put("stage", new GenericData.EnumSymbol(v1.getField("stage").schema(), "CHAMPION"));
    old.put("uri", "file:/m.onnx");
    old.put("sha256", "abc");
    old.put("feature_view", "card_activity");
    old.put("feature_view_version", 2);
    old.put("feature_order", List.of("a", "b"));
    old.put("input_name", "card_activity_v2");
    old.put("output_name", "score");
    old.put("changed_at", 0L);

    ModelVersion decoded = ModelChanges.decode(AvroWire.singleObject(old));

    assertThat(decoded.signature().featureViewSha256()).isEmpty();
    assertThat(decoded.signature().sameInputsAs(SIGNATURE)).isFalse();
    assertThat(decoded.signature().describe()).contains("re-promote");
  }
}
