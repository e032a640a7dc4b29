package dev.aifactory.models.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry changes race the way two trainers on two machines race: each writer below has its own
 * catalog and table handle (nothing shared in memory, no lock), and they all start together.
 */
class ModelRegistryConcurrencyTest {

  private static final int WRITERS = 6;
  private static final DataUse FRAUD = new DataUse("fraud_detection", java.util.Map.of("card_id", "pci"));
  private static final ModelSignature SIGNATURE =
      new ModelSignature("card_activity", 2, "abc", List.of("a", "b"), "card_activity_v2", "score");

  @Test
  void promotionsAtOnceGiveOneChampionAndAnAuditLogInCommitOrder(@TempDir Path warehouse) throws Exception {
    ModelRegistry setup = ModelRegistry.open(IcebergCatalogs.local(warehouse).loadCatalog());
    for (int v = 1; v <= WRITERS; v++) {
      setup.register(model(v), "{}", FRAUD);
    }
    List<List<ModelVersion>> results = race(writer -> ModelRegistry.open(IcebergCatalogs.local(warehouse).loadCatalog())
        .promote("fraud", writer + 1, ModelStage.CHAMPION));

    List<ModelVersion> versions = setup.versions("fraud");
    assertThat(versions).filteredOn(v -> v.stage() == ModelStage.CHAMPION).hasSize(1);
    assertThat(versions).filteredOn(v -> v.stage() == ModelStage.RETIRED).hasSize(WRITERS - 1);
    // Each promotion retired exactly the champion of the snapshot it committed on: replaying the
    // changes in commit order never finds two champions, and the last one promoted is the champion.
    assertThat(results).allSatisfy(changes -> assertThat(changes).filteredOn(c -> c.stage() == ModelStage.RETIRED).hasSizeLessThanOrEqualTo(1));
    assertThat(results.stream().mapToLong(changes -> changes.stream().filter(c -> c.stage() == ModelStage.RETIRED).count()).sum())
        .as("every promotion but the first retired the one before it").isEqualTo(WRITERS - 1);
  }

  @Test
  void registeringOneVersionAtOnceSucceedsOnce(@TempDir Path warehouse) throws Exception {
    List<Object> results = race(writer -> {
      try {
        return ModelRegistry.open(IcebergCatalogs.local(warehouse).loadCatalog()).register(model(1), "{\"writer\":" + writer + "}", FRAUD);
      } catch (IllegalStateException taken) {
        return taken.getMessage();
      }
    });
    assertThat(results).filteredOn(ModelVersion.class::isInstance).hasSize(1);
    assertThat(results).filteredOn(String.class::isInstance).hasSize(WRITERS - 1)
        .allSatisfy(m -> assertThat((String) m).contains("already registered"));
    ModelRegistry registry = ModelRegistry.open(IcebergCatalogs.local(warehouse).loadCatalog());
    assertThat(registry.versions("fraud")).hasSize(1);
  }

  private static ModelVersion model(int version) {
    return new ModelVersion("fraud", version, ModelStage.CANDIDATE, "file:/models/fraud-" + version + ".onnx", "sha-" + version, SIGNATURE);
  }

  private interface Writer<T> {
    T run(int writer) throws Exception;
  }

  private static <T> List<T> race(Writer<T> writer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int id = w;
        Callable<T> task = () -> {
          start.await();
          return writer.run(id);
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
