package dev.aifactory.scoring;

import dev.aifactory.features.FeaturesTopology;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureSinks;
import dev.aifactory.features.source.SourceRecord;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.model.ScoringRequest;
import dev.aifactory.scoring.operator.MicroBatchScoringOperator;
import dev.aifactory.scoring.operator.ScoringSettings;
import dev.aifactory.scoring.sink.ScoringSinks;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The scoring job as a function of its sources and sinks:
 *
 * <pre>
 * events ─ keyBy entity ─ per-event features ─┬─ event rows ─┐
 *                                             ├─ history, online (the view's feature sinks)
 * registry changes ─ broadcast ───────────────┼──────────────┴─ micro-batch ONNX scoring ─┬─ scores topic
 *                                             │                                           ├─ gold.predictions (audit)
 *                                             │                   serving API decisions ──┘  (tier sync)
 *                                             │                                           └─ usage ─ usage topic
 *                                             └─ late / unreadable ─ unscored
 * </pre>
 *
 * Each payment is scored right after its features are computed, with the vector computed for
 * it as it arrived (the features job's own operator): nothing waits for a slice to close or for
 * the watermark. The job holds the view's only feature state: its event rows are the history
 * and the online store, so the feature sinks are this job's when it runs (see the README).
 */
public final class ScoringTopology {

  private ScoringTopology() {}

  public static SingleOutputStreamOperator<Prediction> build(DataStream<SourceRecord> events, DataStream<ModelVersion> control,
      FeatureView view, ModelVersion champion, ScoringSettings settings, ScoringSinks sinks, FeatureSinks featureSinks) {
    return build(events, control, null, view, champion, settings, sinks, featureSinks);
  }

  /**
   * @param served the serving API's decisions (tier sync), audited with this job's own; null
   *     when none are taken
   */
  public static SingleOutputStreamOperator<Prediction> build(DataStream<SourceRecord> events, DataStream<ModelVersion> control,
      DataStream<Prediction> served, FeatureView view, ModelVersion champion, ScoringSettings settings, ScoringSinks sinks,
      FeatureSinks featureSinks) {
    ModelSignature expected = signatureOf(view);
    if (!champion.signature().sameInputsAs(expected)) {
      throw new IllegalArgumentException(champion.label() + " reads " + champion.signature().describe() + "; this job builds "
          + expected.describe());
    }
    FeaturesTopology.Computed features = FeaturesTopology.compute(events, view, false);
    if (featureSinks != null) {
      featureSinks.history(features.rows());
      featureSinks.online(features.rows().filter(r -> r.latest).uid("newest-" + view.id()).name("newest rows"));
    }
    DataStream<ScoringRequest> requests = features.rows()
        .flatMap((FeatureRow row, org.apache.flink.util.Collector<ScoringRequest> out) -> {
          if (FeatureRow.EVENT.equals(row.kind)) {
            out.collect(new ScoringRequest(row.eventId, row.entity, row.validFrom, row.validFrom, row.values));
          }
        })
        .returns(ScoringRequest.class)
        .uid("scoring-requests-" + view.id()).name("event rows to score");
    SingleOutputStreamOperator<Prediction> predictions = requests
        .connect(control.broadcast())
        .transform("score " + settings.modelName(), TypeInformation.of(Prediction.class),
            new MicroBatchScoringOperator(settings, expected, champion))
        .uid("score-" + settings.modelName());
    sinks.scores(predictions);
    sinks.audit(served == null ? predictions : predictions.union(served));
    sinks.review(predictions.filter(p -> p.decision == Decision.REVIEW).uid("reviews").name("REVIEW decisions"));
    sinks.usage(predictions.getSideOutput(MicroBatchScoringOperator.USAGE));
    sinks.unscored(features.dropped());
    return predictions;
  }

  /** The inputs a model must read to be scored by this job: the view's features, in its order. */
  public static ModelSignature signatureOf(FeatureView view) {
    return new ModelSignature(view.name(), view.version(), view.definitionSha256(),
        view.features().stream().map(FeatureDef::name).toList(),
        ModelSignature.inputNameFor(view.name(), view.version()), "fraud_probability");
  }
}
