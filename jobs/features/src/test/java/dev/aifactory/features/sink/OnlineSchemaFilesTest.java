package dev.aifactory.features.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The online schema of every bundled view is published as a file in {@code schemas/}, so a
 * consumer with nothing but that folder can decode {@code features.<entity>}. The schema is
 * derived from the view; this test fails when a file is missing or stale. To write them:
 * {@code mvn -pl jobs/features test -Dtest=OnlineSchemaFilesTest -Dschemas.write=true}.
 */
class OnlineSchemaFilesTest {

  static final Path VIEWS = Path.of("src/main/resources/features");
  static final Path PUBLISHED = Path.of("../../schemas/src/main/avro/features");

  @Test
  void everyBundledViewsOnlineSchemaIsPublishedAndCurrent() throws IOException {
    List<String> views;
    try (Stream<Path> files = Files.list(VIEWS)) {
      views = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
    }
    assertThat(views).contains("card_activity", "merchant_activity");
    for (String name : views) {
      FeatureView view = FeatureViews.load(name);
      Schema derived = OnlineSchema.of(view);
      Path file = PUBLISHED.resolve(view.id() + ".avsc");
      if (Boolean.getBoolean("schemas.write")) {
        Files.createDirectories(PUBLISHED);
        Files.writeString(file, derived.toString(true) + "\n");
      }
      assertThat(file).as("online schema of %s: write it with -Dschemas.write=true", view.id()).exists();
      Schema published = new Schema.Parser().parse(file.toFile());
      assertThat(published).as("%s is stale: the view changed; rewrite it with -Dschemas.write=true", file).isEqualTo(derived);
      assertThat(published.getProp("feature_view_sha256")).isEqualTo(view.definitionSha256());
    }
  }
}
