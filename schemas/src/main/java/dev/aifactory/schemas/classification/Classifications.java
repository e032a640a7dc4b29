package dev.aifactory.schemas.classification;

import dev.aifactory.schemas.tokens.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The classified fields of a record schema, read from its {@code "classification"} and
 * {@code "protection"} properties: the schema is the one place a field's class is declared, and
 * this is the code that reads it. A classified field must say how it is protected; a string
 * field may leave it out and is then tokenized.
 */
public final class Classifications {

  public static final String CLASSIFICATION = "classification";
  public static final String PROTECTION = "protection";

  private final Schema schema;
  private final List<ClassifiedField> fields;

  private Classifications(Schema schema, List<ClassifiedField> fields) {
    this.schema = schema;
    this.fields = List.copyOf(fields);
  }

  public static Classifications of(Schema schema) {
    List<ClassifiedField> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      String label = f.getProp(CLASSIFICATION);
      if (label == null) {
        continue;
      }
      DataClass dataClass = DataClass.of(label);
      String spec = f.getProp(PROTECTION);
      if (spec == null && !isString(f.schema())) {
        throw new IllegalArgumentException(schema.getFullName() + "." + f.name() + " is classified " + label
            + " but declares no \"protection\"; only strings default to tokenize");
      }
      Protection protection = Protection.parse(spec == null ? "tokenize" : spec);
      if (protection instanceof Protection.Tokenize && !isString(f.schema())) {
        throw new IllegalArgumentException(schema.getFullName() + "." + f.name() + " is not a string and cannot be tokenized");
      }
      fields.add(new ClassifiedField(f.name(), dataClass, protection));
    }
    return new Classifications(schema, fields);
  }

  public List<ClassifiedField> fields() {
    return fields;
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  public Optional<ClassifiedField> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** Field name to class label, for inventories and policy checks. */
  public Map<String, String> classesByField() {
    return fields.stream().collect(Collectors.toMap(ClassifiedField::name, f -> f.dataClass().label(), (a, b) -> a, java.util.TreeMap::new));
  }

  /**
   * Replaces every classified value of {@code record} (a record of this schema) by its
   * protected form, in place, and returns it. Nulls stay null.
   */
  public GenericRecord protect(GenericRecord record, Tokenizer tokens) {
    if (!record.getSchema().getFullName().equals(schema.getFullName())) {
      throw new IllegalArgumentException("a " + record.getSchema().getFullName() + " is not a " + schema.getFullName());
    }
    for (ClassifiedField f : fields) {
      Object value = record.get(f.name());
      if (value != null) {
        record.put(f.name(), f.protection().apply(value, tokens));
      }
    }
    return record;
  }

  private static boolean isString(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      return s.getTypes().stream().allMatch(t -> t.getType() == Schema.Type.NULL || t.getType() == Schema.Type.STRING)
          && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.STRING);
    }
    return s.getType() == Schema.Type.STRING;
  }
}
