package dev.aifactory.launcher.inventory;

import dev.aifactory.common.policy.ColumnClasses;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.features.sink.FeatureTables;
import java.time.Duration;
import java.util.Map;

/**
 * The card of a bundled feature view, generated from its definition: what it computes, from
 * which fields, their data classes, and where it lands. Committed beside the inventory and
 * checked by the build like it, so a view cannot change without its card.
 */
public final class FeatureViewCard {

  private FeatureViewCard() {}

  public static String markdown(FeatureView view) {
    Map<String, String> classes = ViewClassification.classesByField(view);
    String history = FeatureTables.history(view).toString();
    StringBuilder md = new StringBuilder("# Feature view card: ").append(view.id()).append("\n\n");
    md.append("_Generated from `jobs/features/src/main/resources/features/").append(view.name())
        .append(".yaml` by `factory inventory --bundled`; do not edit._\n\n");
    md.append("- Definition SHA-256: `").append(view.definitionSha256()).append("`\n");
    md.append("- Entity: `").append(view.entity()).append("` (").append(classes.getOrDefault(view.entity(), "none"))
        .append("), held as its token in silver, gold and the online store\n");
    md.append("- Source: domain `").append(view.source()).append("`, contract `").append(view.contract()).append("`\n");
    md.append("- Classified fields read: ").append(classes.isEmpty() ? "none" : classes.toString()).append('\n');
    md.append("- History: `").append(history).append("` (owner ")
        .append(ColumnClasses.bundled().declaration(history).map(d -> d.owner).orElse("undeclared"))
        .append("); online: `features.").append(view.entity()).append("`\n");
    md.append("- TTL: ").append(Duration.ofMillis(view.ttlMillis())).append("; allowed lateness: ")
        .append(Duration.ofMillis(view.allowedLatenessMillis())).append("\n\n");
    md.append("| feature | aggregation | field | class | window |\n|---|---|---|---|---|\n");
    for (FeatureDef f : view.features()) {
      md.append("| `").append(f.name()).append("` | ").append(f.aggregation().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(f.field() == null ? "" : "`" + f.field() + "`").append(" | ")
          .append(f.field() == null ? "" : classes.getOrDefault(f.field(), "none")).append(" | ")
          .append(Duration.ofMillis(f.windowMillis())).append(" |\n");
    }
    return md.toString();
  }
}
