package dev.aifactory.scoring.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.ExecutionProvider;
import dev.aifactory.models.runtime.Contributions;
import dev.aifactory.models.runtime.SharedSessions;
import dev.aifactory.training.model.LogisticModel;
import dev.aifactory.scoring.CapturedLog;
import dev.aifactory.scoring.ScoringTopology;
import dev.aifactory.scoring.TestModels;
import dev.aifactory.scoring.model.BatchUsage;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.model.ScoringRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicroBatchScoringOperatorTest {

  static final FeatureView VIEW = FeatureViews.load("card_activity");
  static final ModelSignature SIGNATURE = ScoringTopology.signatureOf(VIEW);
  static final ScoringSettings SETTINGS = new ScoringSettings("fraud", 4, 10, ExecutionProvider.CPU, 0, 0.5, 0.5, 0.9);

  @TempDir
  static Path dir;
  static TestModels.Trained v1;
  static TestModels.Trained v2;

  @BeforeAll
  static void models() throws Exception {
    v1 = TestModels.train(dir, VIEW, 1, 1);
    v2 = TestModels.train(dir, VIEW, 2, 2);
  }

  @AfterEach
  void noSessionLeft() {
    assertThat(SharedSessions.open()).as("every session closed with its operator").isZero();
  }

  @Test
  void scoresInBatchesOfTheMaxSizeAndFlushesAPartialBatchAfterTheMaxDelay() throws Exception {
    try (var h = harness(SETTINGS, v1.version())) {
      List<ScoringRequest> sent = send(h, 10, 0);
      assertThat(predictions(h)).hasSize(8).allSatisfy(p -> assertThat(p.batchSize).isEqualTo(4));
      h.setProcessingTime(9);
      assertThat(predictions(h)).as("the delay has not passed").hasSize(8);
      h.setProcessingTime(10);
      List<Prediction> out = predictions(h);
      assertThat(out).hasSize(10);
      assertThat(out.subList(8, 10)).allSatisfy(p -> assertThat(p.batchSize).isEqualTo(2));
      assertScoredBy(out, sent, v1);
      assertThat(h.getSideOutput(MicroBatchScoringOperator.USAGE)).extracting(r -> ((BatchUsage) r.getValue()).rows)
          .containsExactly(4, 4, 2);
    }
  }

  @Test
  void decisionsFollowTheThresholdsAndEveryRecordCarriesItsModel() throws Exception {
    try (var h = harness(SETTINGS.withBatching(1000, 0), v1.version())) {
      send(h, 300, 0);
      List<Prediction> out = predictions(h);
      assertThat(out).hasSize(300).allSatisfy(p -> {
        assertThat(p.decision).isEqualTo(Decision.of(p.score, 0.5, 0.9));
        assertThat(p.modelVersion).isEqualTo(1);
        assertThat(p.modelSha256).isEqualTo(v1.version().sha256());
        assertThat(p.provider).isEqualTo("CPU");
      });
      assertThat(out).extracting(p -> p.decision).contains(Decision.APPROVE, Decision.REVIEW, Decision.DECLINE);
    }
  }

  /**
   * A REVIEW carries its evidence: each feature's term of the logistic score, as the reference
   * model computes it (weight times the feature's standardized value, against the feature
   * missing), adding up with the baseline to the score's logit. Other decisions carry none.
   */
  @Test
  void aReviewCarriesEachFeaturesContributionToTheLogisticScore() throws Exception {
    try (var h = harness(SETTINGS.withBatching(1000, 0), v1.version())) {
      send(h, 300, 0);
      List<Prediction> reviews = predictions(h).stream().filter(p -> p.decision == Decision.REVIEW).toList();
      assertThat(reviews).isNotEmpty();
      LogisticModel m = v1.reference();
      for (Prediction p : reviews) {
        assertThat(p.contributions).hasSize(m.width());
        double sum = p.baselineLogit;
        for (int i = 0; i < m.width(); i++) {
          double expected = m.weights()[i] * (m.standardized(p.features[i], i) - m.standardized(Double.NaN, i));
          assertThat(p.contributions[i]).as("%s feature %d", p.eventId, i).isCloseTo(expected, within(1e-3));
          sum += p.contributions[i];
        }
        assertThat(sum).as("baseline + contributions = logit(score)").isCloseTo(Contributions.logit(p.score), within(1e-3));
      }
      assertThat(predictions(h)).filteredOn(p -> p.decision != Decision.REVIEW).allSatisfy(p -> assertThat(p.contributions).isNull());
    }
  }

  @Test
  void aWatermarkWaitsForTheOpenBatchAndACheckpointBarrierFlushesIt() throws Exception {
    try (var h = harness(SETTINGS, v1.version())) {
      send(h, 2, 0);
      h.processWatermark1(new Watermark(100));
      assertThat(h.getOutput()).as("nothing out: the batch is open, the watermark is held").isEmpty();
      h.prepareSnapshotPreBarrier(1);
      List<Object> out = new ArrayList<>(h.getOutput());
      assertThat(out).hasSize(3);
      assertThat(out.get(2)).as("the held watermark follows its batch").isEqualTo(new Watermark(100));
      h.processWatermark2(new Watermark(500));
      assertThat(h.getOutput()).as("the control stream does not move event time").hasSize(3);
    }
  }

  @Test
  void aNewChampionScoresFromTheNextBatchAndTheOpenBatchKeepsTheOldOne() throws Exception {
    try (var h = harness(SETTINGS, v1.version())) {
      List<ScoringRequest> before = send(h, 3, 0);
      h.processElement2(new StreamRecord<>(v2.version()));
      List<ScoringRequest> after = send(h, 4, 100);
      List<Prediction> out = predictions(h);
      assertThat(out).hasSize(7);
      assertScoredBy(out.subList(0, 3), before, v1);
      assertScoredBy(out.subList(3, 7), after, v2);
    }
  }

  @Test
  void aModelWhoseFileDoesNotMatchItsChecksumIsRejectedAndTheChampionStays() throws Exception {
    Path tampered = dir.resolve("tampered.onnx");
    byte[] bytes = Files.readAllBytes(Path.of(java.net.URI.create(v2.version().uri())));
    bytes[bytes.length / 2] ^= 1;
    Files.write(tampered, bytes);
    ModelVersion bad = new ModelVersion("fraud", 3, ModelStage.CHAMPION, tampered.toString(), v2.version().sha256(), SIGNATURE);
    try (var log = new CapturedLog("dev.aifactory.scoring"); var h = harness(SETTINGS.withBatching(1, 0), v1.version())) {
      h.processElement2(new StreamRecord<>(bad));
      List<ScoringRequest> sent = send(h, 3, 0);
      assertScoredBy(predictions(h), sent, v1);
      assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("rejected fraud:3", "checksum mismatch", "keeping fraud:1"));
    }
  }

  @Test
  void aModelReadingOtherFeaturesIsRejected() throws Exception {
    List<String> reordered = new ArrayList<>(SIGNATURE.featureOrder());
    java.util.Collections.swap(reordered, 0, 1);
    ModelSignature other = new ModelSignature(SIGNATURE.featureView(), SIGNATURE.featureViewVersion(), "", reordered,
        SIGNATURE.inputName(), SIGNATURE.outputName());
    ModelVersion swapped = new ModelVersion("fraud", 4, ModelStage.CHAMPION, v2.version().uri(), v2.version().sha256(), other);
    try (var h = harness(SETTINGS.withBatching(1, 0), v1.version())) {
      h.processElement2(new StreamRecord<>(swapped));
      assertScoredBy(predictions(h), List.of(), v1);
      List<ScoringRequest> sent = send(h, 2, 0);
      assertScoredBy(predictions(h), sent, v1);
    }
    assertThatThrownBy(() -> {
      try (var h = harness(SETTINGS, swapped)) {
        // opening fails
      }
    }).hasMessageContaining("does not load");
  }

  @Test
  void theChallengerScoresItsShareInShadowAndOnlyTheChampionDecides() throws Exception {
    try (var h = harness(SETTINGS.withBatching(64, 0), v1.version())) {
      h.processElement2(new StreamRecord<>(v2.as(ModelStage.CHALLENGER).version()));
      List<ScoringRequest> sent = send(h, 400, 0);
      List<Prediction> out = predictions(h);
      assertScoredBy(out, sent, v1);
      List<Prediction> shadowed = out.stream().filter(p -> p.challengerVersion == 2).toList();
      assertThat(shadowed.size()).as("about half, the configured share").isBetween(150, 250);
      for (Prediction p : shadowed) {
        assertThat(SETTINGS.challengerScores(p.eventId)).isTrue();
        assertThat(p.challengerScore).isCloseTo(v2.expected(p.features), within(1e-5));
      }
      assertThat(out.stream().filter(p -> p.challengerVersion < 0)).allSatisfy(p -> assertThat(p.challengerScore).isNaN());
      assertThat(h.getSideOutput(MicroBatchScoringOperator.USAGE)).extracting(r -> ((BatchUsage) r.getValue()).model)
          .contains("fraud:1", "fraud:2");
    }
  }

  @Test
  void aRestoredOperatorScoresWithTheModelsItHadNotTheStartingOne() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(SETTINGS, v1.version())) {
      h.processElement2(new StreamRecord<>(v2.version()));
      snapshot = h.snapshot(1, 1);
    }
    try (var h = new TwoInputStreamOperatorTestHarness<>(new MicroBatchScoringOperator(SETTINGS.withBatching(1, 0), SIGNATURE, v1.version()))) {
      h.initializeState(snapshot);
      h.open();
      List<ScoringRequest> sent = send(h, 2, 0);
      assertScoredBy(predictions(h), sent, v2);
    }
  }

  @Test
  void cudaRequestedWithoutAGpuFallsBackToCpuAndSaysSo() throws Exception {
    try (var log = new CapturedLog("dev.aifactory.models"); var h = harness(SETTINGS.withProvider(ExecutionProvider.CUDA).withBatching(1, 0), v1.version())) {
      List<ScoringRequest> sent = send(h, 2, 0);
      List<Prediction> out = predictions(h);
      assertScoredBy(out, sent, v1);
      assertThat(out).allSatisfy(p -> assertThat(p.provider).isEqualTo("CPU"));
      assertThat(log.lines()).anySatisfy(line -> assertThat(line)
          .contains("ONNX Runtime provider for fraud:1: CPU (requested CUDA, fell back: CUDA unavailable"));
    }
  }

  static TwoInputStreamOperatorTestHarness<ScoringRequest, ModelVersion, Prediction> harness(ScoringSettings settings, ModelVersion champion)
      throws Exception {
    var h = new TwoInputStreamOperatorTestHarness<>(new MicroBatchScoringOperator(settings, SIGNATURE, champion));
    h.open();
    return h;
  }

  /** Sends {@code n} requests with random features (some missing) and returns them. */
  static List<ScoringRequest> send(TwoInputStreamOperatorTestHarness<ScoringRequest, ModelVersion, Prediction> h, int n, int seed)
      throws Exception {
    Random random = new Random(seed);
    List<ScoringRequest> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[SIGNATURE.width()];
      for (int j = 0; j < x.length; j++) {
        x[j] = random.nextDouble() < 0.1 ? Double.NaN : Math.exp(random.nextGaussian() * 2);
      }
      ScoringRequest r = new ScoringRequest("tx-" + seed + "-" + i, "card-" + (i % 7), 1_000L * i, -1, x);
      sent.add(r);
      h.processElement1(new StreamRecord<>(r, r.eventTime));
    }
    return sent;
  }

  static List<Prediction> predictions(TwoInputStreamOperatorTestHarness<ScoringRequest, ModelVersion, Prediction> h) {
    return h.extractOutputValues();
  }

  static void assertScoredBy(List<Prediction> out, List<ScoringRequest> sent, TestModels.Trained model) {
    assertThat(out).extracting(p -> p.eventId).containsExactlyElementsOf(sent.stream().map(r -> r.eventId).toList());
    for (int i = 0; i < out.size(); i++) {
      Prediction p = out.get(i);
      assertThat(p.modelVersion).isEqualTo(model.version().version());
      assertThat(p.score).as(p.eventId).isCloseTo(model.expected(sent.get(i).features), within(1e-5));
    }
  }
}
