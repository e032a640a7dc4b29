package dev.aifactory.scoring;

import dev.aifactory.features.FeaturesTopology;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.source.SourceRecord;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.scoring.join.PointInTimeFeatures;
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
 * events ─ features (same operator as the features job) ─┐
 *        └──────────────────────────────────────────────┴─ keyBy entity ─ point-in-time join ─┐
 * registry changes ─ broadcast ───────────────────────────────────────────────────────────────┴─ micro-batch ONNX scoring
 *     ─┬─ scores topic
 *      ├─ gold.predictions (audit)
 *      └─ usage (per batch) ─ usage topic
 * </pre>
 *
 * Features are computed in this job from the same events, with the features job's own operator
 * and view definition, so the vector at an event's time is the one the training set holds for it.
 */
public final class ScoringTopology {

  private ScoringTopology() {}

  public static SingleOutputStreamOperator<Prediction> build(DataStream<SourceRecord> events, DataStream<ModelVersion> control,
      FeatureView view, ModelVersion champion, ScoringSettings settings, ScoringSinks sinks) {
    ModelSignature expected = signatureOf(view);
    if (!champion.signature().sameInputsAs(expected)) {
      throw new IllegalArgumentException(champion.label() + " reads " + champion.signature().featureOrder() + " of "
          + champion.signature().featureView() + " v" + champion.signature().featureViewVersion() + "; this job builds "
          + expected.featureOrder() + " of " + view.id());
    }
    FeaturesTopology.Computed features = FeaturesTopology.compute(events, view);
    DataStream<ScoringRequest> requests = features.rows()
        .connect(features.inputs())
        .keyBy(row -> row.entity, input -> input.entity)
        .process(new PointInTimeFeatures(view.features().size()))
        .returns(ScoringRequest.class)
        .uid("point-in-time-features-" + view.id()).name("features at event time");
    SingleOutputStreamOperator<Prediction> predictions = requests
        .connect(control.broadcast())
        .transform("score " + settings.modelName(), TypeInformation.of(Prediction.class),
            new MicroBatchScoringOperator(settings, expected, champion))
        .uid("score-" + settings.modelName());
    sinks.scores(predictions);
    sinks.audit(predictions);
    sinks.usage(predictions.getSideOutput(MicroBatchScoringOperator.USAGE));
    sinks.unscored(features.unreadable());
    return predictions;
  }

  /** The inputs a model must read to be scored by this job: the view's features, in its order. */
  public static ModelSignature signatureOf(FeatureView view) {
    return new ModelSignature(view.name(), view.version(), view.definitionSha256(),
        view.features().stream().map(FeatureDef::name).toList(),
        ModelSignature.inputNameFor(view.name(), view.version()), "fraud_probability");
  }
}
