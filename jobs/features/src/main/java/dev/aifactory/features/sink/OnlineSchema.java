package dev.aifactory.features.sink;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Avro schema of a view's online topic, derived from the definition (never written by hand):
 * record {@code dev.aifactory.features.<name>_v<version>} with the entity, the view version,
 * {@code valid_from}, {@code emitted_at} and one nullable field per feature.
 */
public final class OnlineSchema {

  private OnlineSchema() {}

  public static Schema of(FeatureView view) {
    Schema millis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    Schema micros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(view.id()).namespace("dev.aifactory.features")
        .doc("Online features of view " + view.name() + " version " + view.version() + ", keyed by " + view.entity())
        .prop("feature_view_sha256", view.definitionSha256())
        // The schema catalog's version: each view version is a record of its own (its name
        // carries the view version), so this is always its first and only schema version.
        .prop("version", 1)
        .fields()
        .requiredString(view.entity())
        .requiredInt("feature_view_version")
        .name("valid_from").type(millis).noDefault()
        .name("emitted_at").type(micros).noDefault();
    for (FeatureDef f : view.features()) {
      fields = f.aggregation().integral()
          ? fields.optionalLong(f.name())
          : fields.optionalDouble(f.name());
    }
    return fields.endRecord();
  }
}
