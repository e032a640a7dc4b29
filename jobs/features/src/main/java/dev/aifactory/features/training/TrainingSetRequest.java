package dev.aifactory.features.training;

import dev.aifactory.features.definition.FeatureView;
import java.time.Instant;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * What a point-in-time training set is made of: the events of the view's source with event time
 * in {@code [from, to)}, each joined with the view's feature values as of its event time, and
 * with its label.
 *
 * @param name the output table is {@code gold.training_<name>}
 * @param asOfIngestion also bound feature rows by what had been emitted when the event was
 *     ingested ({@code emitted_at <= _ingest_time}): a row corrected later is used as it was
 *     then, which is what an online model saw
 * @param served null for vectors recomputed offline from the history; else the predictions table
 *     ({@code gold.predictions}) whose served vectors to use instead
 */
public record TrainingSetRequest(FeatureView view, String name, Instant from, Instant to, boolean asOfIngestion,
    TableIdentifier served) {

  public TrainingSetRequest(FeatureView view, String name, Instant from, Instant to, boolean asOfIngestion) {
    this(view, name, from, to, asOfIngestion, null);
  }
}
