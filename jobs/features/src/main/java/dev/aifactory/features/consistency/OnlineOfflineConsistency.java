package dev.aifactory.features.consistency;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.online.OnlineKey;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.sink.OnlineSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * Online/offline consistency, Chronon's way: take what the online topic serves for a sample of
 * entities (each entity's newest vector), recompute the same features offline from the silver
 * table as of the same {@code valid_from}, and report per feature how often they differ. A lost,
 * duplicated or too-late event shows up as a mismatch in the features whose windows it touches.
 */
public final class OnlineOfflineConsistency {

  private OnlineOfflineConsistency() {}

  /** One entity's vector as the online topic serves it. */
  public record OnlineVector(String entity, long validFrom, Map<String, Object> values) {}

  /** Mismatches per feature over the compared vectors. */
  public record Report(int compared, Map<String, Long> mismatches, List<String> examples) {
    public double rate(String feature) {
      return compared == 0 ? 0 : mismatches.getOrDefault(feature, 0L) / (double) compared;
    }
  }

  /**
   * The newest vector served per entity from the online topic's messages (key, value), in
   * order, of this view's version only; a tombstone ends serving but keeps the last vector served before it, which is still
   * what to check.
   */
  public static Map<String, OnlineVector> newestVectors(FeatureView view, List<Map.Entry<byte[], byte[]>> messages)
      throws Exception {
    BinaryMessageDecoder<GenericData.Record> decoder = new BinaryMessageDecoder<>(GenericData.get(), OnlineSchema.of(view));
    dev.aifactory.features.online.OnlineCodec codec = new dev.aifactory.features.online.OnlineCodec(view);
    Map<String, OnlineVector> newest = new HashMap<>();
    for (Map.Entry<byte[], byte[]> m : messages) {
      // Records of a release that keyed the topic by the entity alone count too.
      OnlineKey key = OnlineKey.resolve(m.getKey(), m.getValue(), codec);
      if (key == null || m.getValue() == null) {
        continue; // another view or version on the topic, or a tombstone
      }
      String entity = key.entity();
      GenericData.Record r = decoder.decode(m.getValue());
      Map<String, Object> values = new LinkedHashMap<>();
      view.features().forEach(f -> values.put(f.name(), r.get(f.name())));
      OnlineVector v = new OnlineVector(entity, (Long) r.get("valid_from"), values);
      OnlineVector before = newest.get(entity);
      if (before == null || v.validFrom() >= before.validFrom()) {
        newest.put(entity, v);
      }
    }
    return newest;
  }

  /**
   * Compares up to {@code sample} entities' online vectors with the features recomputed from
   * {@code silver} (the view's source table) by the view's own aggregation code.
   */
  public static Report check(FeatureView view, Map<String, OnlineVector> online, Table silver, int sample, long seed)
      throws Exception {
    List<String> entities = new ArrayList<>(online.keySet());
    Collections.sort(entities);
    Collections.shuffle(entities, new Random(seed));
    Set<String> chosen = Set.copyOf(entities.subList(0, Math.min(sample, entities.size())));
    Map<String, List<FeatureInput>> events = SilverEvents.read(view, silver, chosen);

    OfflineVectors offlineVectors = new OfflineVectors(view);
    Map<String, Long> mismatches = new LinkedHashMap<>();
    view.features().forEach(f -> mismatches.put(f.name(), 0L));
    List<String> examples = new ArrayList<>();
    for (String entity : chosen) {
      OnlineVector served = online.get(entity);
      double[] offline = offlineVectors.asOf(served.validFrom(), events.getOrDefault(entity, List.of()));
      for (int f = 0; f < offline.length; f++) {
        FeatureDef def = view.features().get(f);
        Object value = served.values().get(def.name());
        double online1 = value == null ? Double.NaN : ((Number) value).doubleValue();
        if (Double.compare(online1, offline[f]) != 0) {
          mismatches.merge(def.name(), 1L, Long::sum);
          if (examples.size() < 10) {
            examples.add(entity + "@" + served.validFrom() + " " + def.name() + ": online " + online1 + ", offline " + offline[f]);
          }
        }
      }
    }
    return new Report(chosen.size(), mismatches, examples);
  }

  /** A readable summary, one line per feature. */
  public static String format(Report report) {
    return "compared " + report.compared() + " entities\n" + report.mismatches().keySet().stream()
        .map(f -> String.format("  %-24s mismatch rate %.4f (%d)", f, report.rate(f), report.mismatches().get(f)))
        .collect(Collectors.joining("\n"))
        + (report.examples().isEmpty() ? "" : "\nexamples:\n  " + String.join("\n  ", report.examples()));
  }
}
