package dev.aifactory.features.definition;

import dev.aifactory.common.Sha256;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.YamlDefinitions;
import dev.aifactory.schemas.SchemaCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Loads feature views (bundled ones by name, {@code features/<name>.yaml}, or any YAML file by
 * path) and checks them against their source's contract, so a wrong field or window fails the
 * job's start instead of producing wrong features.
 */
public final class FeatureViews {

  /** Canonical JSON for hashing: sorted keys, so formatting and key order do not change the hash. */
  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private FeatureViews() {}

  public static FeatureView load(String nameOrPath) {
    return check(YamlDefinitions.read(nameOrPath, "features", "feature view", FeatureViewSpec.class));
  }

  public static FeatureView parse(String yaml) {
    return check(YamlDefinitions.parse(yaml, "feature view", FeatureViewSpec.class));
  }

  static FeatureView check(FeatureViewSpec spec) {
    String where = "feature view " + spec.name() + ": ";
    require(spec.name() != null && NAME.matcher(spec.name()).matches(), where + "name must match " + NAME);
    require(spec.version() >= 1, where + "version must be 1 or more");
    Schema contract = SchemaCatalog.bundled().contract(spec.contract()).schema();
    String eventTime = spec.eventTimeField() == null ? "event_time" : spec.eventTimeField();
    String eventId = spec.eventIdField() == null ? "event_id" : spec.eventIdField();
    require(isTimestampMillis(field(contract, eventTime, where)), where + eventTime + " must be a timestamp-millis");
    field(contract, eventId, where);
    require(field(contract, spec.entity(), where).getType() == Schema.Type.STRING, where + "entity " + spec.entity() + " must be a string");

    long slide = millis(spec.slide(), "slide", where);
    long ttl = millis(spec.ttl(), "ttl", where);
    long lateness = spec.allowedLateness() == null ? 0 : JobConfig.parseDuration(spec.allowedLateness()).toMillis();
    require(lateness >= 0, where + "allowed_lateness must not be negative");
    require(spec.features() != null && !spec.features().isEmpty(), where + "no features");

    List<FeatureDef> features = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    Set<String> numeric = new LinkedHashSet<>();
    Set<String> distinct = new LinkedHashSet<>();
    for (FeatureViewSpec.Feature f : spec.features()) {
      String fw = where + "feature " + f.name() + ": ";
      require(f.name() != null && NAME.matcher(f.name()).matches(), fw + "name must match " + NAME);
      require(names.add(f.name()), fw + "defined twice");
      Aggregation aggregation = aggregation(f.aggregation(), fw);
      long window = millis(f.window(), "window", fw);
      require(window % slide == 0, fw + "window " + f.window() + " is not a multiple of the slide " + spec.slide()
          + " (windows end on slide boundaries and never round)");
      if (aggregation.needsField()) {
        require(f.field() != null, fw + aggregation + " needs a field");
        Schema type = field(contract, f.field(), fw);
        if (aggregation.needsNumericField()) {
          require(isNumeric(type), fw + f.field() + " is not numeric");
          numeric.add(f.field());
        } else {
          distinct.add(f.field());
        }
      } else {
        require(f.field() == null, fw + aggregation + " takes no field");
      }
      features.add(new FeatureDef(f.name(), aggregation, f.field(), window));
    }
    long maxWindow = features.stream().mapToLong(FeatureDef::windowMillis).max().orElseThrow();
    require(ttl >= maxWindow, where + "ttl must cover the longest window (" + maxWindow + " ms): an entity expires only once"
        + " every window is empty");

    String filterField = null;
    Set<String> filterValues = Set.of();
    if (spec.filter() != null) {
      filterField = spec.filter().field();
      field(contract, filterField, where + "filter: ");
      require(spec.filter().in() != null && !spec.filter().in().isEmpty(), where + "filter needs values under 'in'");
      filterValues = Set.copyOf(spec.filter().in());
    }
    return new FeatureView(spec.name(), spec.version(), spec.entity(), spec.source(), spec.contract(), eventId, eventTime,
        filterField, filterValues, slide, ttl, lateness, List.copyOf(features), List.copyOf(numeric), List.copyOf(distinct),
        sha256(spec));
  }

  /** The definition's hash: everything but the description, key order and formatting. */
  static String sha256(FeatureViewSpec spec) {
    FeatureViewSpec meaning = new FeatureViewSpec(spec.name(), spec.version(), null, spec.entity(), spec.source(),
        spec.contract(), spec.eventIdField(), spec.eventTimeField(), spec.filter(), spec.slide(), spec.ttl(),
        spec.allowedLateness(), spec.features());
    try {
      return Sha256.hex(CANONICAL.writeValueAsBytes(meaning));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Aggregation aggregation(String name, String where) {
    try {
      return Aggregation.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "unknown aggregation " + name + ", expected one of "
          + List.of(Aggregation.values()).toString().toLowerCase(Locale.ROOT));
    }
  }

  private static long millis(String text, String what, String where) {
    require(text != null, where + what + " is missing");
    long ms = JobConfig.parseDuration(text).toMillis();
    require(ms > 0, where + what + " must be positive");
    return ms;
  }

  /** The field's type, unwrapped from a nullable union. */
  private static Schema field(Schema contract, String name, String where) {
    require(name != null, where + "a field name is missing");
    Schema.Field f = contract.getField(name);
    require(f != null, where + "no field " + name + " in " + contract.getFullName());
    Schema type = f.schema();
    if (type.getType() == Schema.Type.UNION) {
      type = type.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElse(type);
    }
    return type;
  }

  private static boolean isNumeric(Schema s) {
    return switch (s.getType()) {
      case INT, LONG, FLOAT, DOUBLE -> s.getLogicalType() == null;
      default -> false;
    };
  }

  private static boolean isTimestampMillis(Schema s) {
    return s.getLogicalType() instanceof LogicalTypes.TimestampMillis;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
