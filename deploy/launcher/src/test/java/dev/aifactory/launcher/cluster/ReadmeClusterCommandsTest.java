package dev.aifactory.launcher.cluster;

import static dev.aifactory.launcher.cluster.SessionClusterEndToEndTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.ingest.sink.IngestTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's cluster commands, read from README.md and run in its order through {@code
 * ./factory}, as a new user types them: a live generator in the background, ingest and features
 * submitted at parallelism 2, ingest stopped with a savepoint and submitted again from the path
 * that printed, features stopped, the savepoint inspected. The stack is the README's default
 * cluster (2 TaskManagers of 4 slots, 10 s checkpoints) on free ports; the commands reach it
 * through the environment variables the README names (FLINK_REST_URL, KAFKA_BOOTSTRAP_SERVERS,
 * FACTORY_WAREHOUSE), the only change to what they say. Afterwards every raw record is in bronze
 * or the quarantine once, and silver holds every good event once: the upgrade lost and doubled
 * nothing. (start-stack.sh itself runs in SqlGatewayEndToEndTest.)
 */
class ReadmeClusterCommandsTest {

  static final Duration SETTLE = Duration.ofMinutes(5);
  static final String TX = "raw.transactions";
  /** The README's block of cluster commands follows this sentence. */
  static final String BLOCK_AFTER = "Jobs go to the cluster as their jars";
  static final String SAVEPOINT_PLACEHOLDER = "file:/…/savepoint-…";

  final Path repository = Path.of("../..").toAbsolutePath().normalize();
  LocalStack stack;
  Catalog catalog;
  final List<Process> background = new ArrayList<>();

  @BeforeEach
  void startTheDefaultCluster() throws IOException {
    Path dir = repository.resolve("deploy/launcher/target/readme-cluster-test");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    stack = new LocalStack(repository, dir, 2, 4, "10 s");
    stack.startWithoutGateway();
    catalog = IcebergCatalogs.local(stack.warehouse()).loadCatalog();
  }

  @AfterEach
  void stopTheCluster() {
    background.forEach(Process::destroyForcibly);
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theReadmesClusterCommandsRunInOrderAndTheUpgradeLosesAndDoublesNothing() throws Exception {
    assertThat(repository.resolve("deploy/launcher/target/classpath.txt")).as("./factory would build the project first")
        .exists();
    List<String> commands = readmeClusterCommands();
    assertThat(commands).as("the README's cluster commands").hasSizeGreaterThanOrEqualTo(7)
        .anyMatch(c -> c.contains("generate") && c.endsWith("&"))
        .anyMatch(c -> c.contains("--savepoint")).anyMatch(c -> c.contains(SAVEPOINT_PLACEHOLDER));

    Process generator = null;
    Path generatorOutput = null;
    String savepoint = null;
    String restoredIngest = null;
    for (String command : commands) {
      if (command.endsWith("&")) {
        generatorOutput = Files.createTempFile(stack.warehouse().getParent(), "background", ".out");
        generator = start(command.substring(0, command.length() - 1).strip(), generatorOutput);
        background.add(generator);
        continue;
      }
      boolean needsSavepoint = command.contains(SAVEPOINT_PLACEHOLDER);
      if (needsSavepoint) {
        assertThat(savepoint).as("a savepoint path printed before: " + command).isNotNull();
        command = command.replace(SAVEPOINT_PLACEHOLDER, savepoint);
      }
      List<String> out = run(command);
      if (command.contains("stop ingest --savepoint")) {
        savepoint = out.stream().filter(l -> l.startsWith("file:") || l.startsWith("/")).reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no savepoint path printed: " + commandText(out)));
      }
      if (command.contains("submit ingest") && needsSavepoint) {
        restoredIngest = out.get(out.size() - 1).strip();
      }
      if (command.contains("savepoint inspect")) {
        assertThat(String.join("\n", out)).as("the savepoint's operators").contains("dedup");
      }
    }

    assertThat(generator).isNotNull();
    assertThat(generator.waitFor(4, TimeUnit.MINUTES)).as("the generator finished").isTrue();
    assertThat(generator.exitValue()).as(Files.readString(errors(generatorOutput))).isZero();
    assertThat(Files.readString(generatorOutput)).contains("sent 100000 messages");

    FlinkRestClient flink = stack.flink();
    assertThat(restoredIngest).isNotNull();
    assertThat(flink.checkpoints(restoredIngest).path("latest").path("restored").path("external_path").asText())
        .as("the ingest job submitted again started from the savepoint").isEqualTo(savepoint);
    assertThat(flink.jobs()).as("features was stopped").anyMatch(j -> j.name().startsWith("factory-features")
        && j.state().equals("CANCELED"));

    KafkaTopics kafka = new KafkaTopics(stack.bootstrapServers());
    long raw = kafka.endOffsets(TX).values().stream().mapToLong(Long::longValue).sum();
    assertThat(raw).as("raw transactions on the topic").isPositive();
    // Counted by bronze's snapshot summary plus the (small) quarantine's undecodable rows: reading
    // every bronze row each second would take the CPU ingest needs. The exact check follows.
    await("ingest caught up with " + raw + " raw records", () -> recordsPlaced() >= raw, SETTLE);
    assertEveryRawRecordOnceAndEveryGoodEventOnceInSilver(kafka);
    List<Object> served = read(FeatureTables.history(FeatureViews.load("card_activity"))).stream()
        .filter(r -> FeatureRow.EVENT.equals(r.getField("row_kind"))).map(r -> r.getField("event_id")).toList();
    // It may have committed nothing before it was stopped (10 s checkpoints); what it did commit, it served once.
    assertThat(served).as("events the features job served before it was stopped").doesNotHaveDuplicates();
    assertEachSubmittedJobStartedItsLineageRun(restoredIngest);
    flink.cancel(restoredIngest);
  }

  /** Where the submitted jobs write their OpenLineage events (their main runs on the JobManager). */
  private Path lineageEvents() {
    return stack.warehouse().resolveSibling("lineage.jsonl");
  }

  /** A detached job's START, under its Flink job id, naming what it reads and writes. */
  private void assertEachSubmittedJobStartedItsLineageRun(String restoredIngest) throws IOException {
    List<io.openlineage.client.OpenLineage.RunEvent> events = Files.readAllLines(lineageEvents()).stream()
        .map(io.openlineage.client.OpenLineageClientUtils::runEventFromJson).toList();
    assertThat(events).as("the lineage events of the submitted jobs")
        .anyMatch(e -> e.getJob().getName().startsWith("factory-features") && e.getEventType().name().equals("START"));
    var restored = events.stream().filter(e -> e.getRun().getRunId().toString().replace("-", "").equals(restoredIngest))
        .findFirst().orElseThrow(() -> new AssertionError("no lineage run for job " + restoredIngest + " in " + events.size() + " events"));
    assertThat(restored.getEventType().name()).isEqualTo("START");
    assertThat(restored.getInputs()).extracting(d -> d.getName()).contains(TX);
    assertThat(restored.getOutputs()).extracting(d -> d.getName()).contains("bronze.transactions", "silver.transactions");
  }

  private void assertEveryRawRecordOnceAndEveryGoodEventOnceInSilver(KafkaTopics kafka) {
    RawRecordPlaces.assertEachOnce(kafka, catalog, "transactions", TX);

    List<Object> silver = read(IngestTables.silver("transactions")).stream().map(r -> r.getField("event_id")).toList();
    assertThat(silver).as("silver: each event once, though ingest restarted and the generator sends duplicates")
        .isNotEmpty().doesNotHaveDuplicates();
    Set<Object> bronzeIds = new HashSet<>();
    read(IngestTables.bronze("transactions")).forEach(r -> bronzeIds.add(r.getField("event_id")));
    Set<Object> quarantinedIds = new HashSet<>();
    read(IngestTables.QUARANTINE).stream().map(r -> r.getField("event_id")).filter(Objects::nonNull).forEach(quarantinedIds::add);
    Set<Object> silverIds = new HashSet<>(silver);
    assertThat(bronzeIds.stream().filter(id -> !silverIds.contains(id) && !quarantinedIds.contains(id)).limit(5).toList())
        .as("decoded events neither in silver nor set aside with a reason").isEmpty();
    assertThat(bronzeIds).as("silver holds only what was sent").containsAll(silverIds);
  }

  /** Bronze's rows (by its current snapshot; it only appends) and the raw records quarantined as undecodable. */
  private long recordsPlaced() {
    TableIdentifier bronze = IngestTables.bronze("transactions");
    var snapshot = catalog.tableExists(bronze) ? catalog.loadTable(bronze).currentSnapshot() : null;
    long rows = snapshot == null ? 0 : Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
    return rows + RawRecordPlaces.undecodable(catalog, TX).size();
  }

  /** The README's fenced block of cluster commands, comments removed. */
  private List<String> readmeClusterCommands() throws IOException {
    String readme = Files.readString(repository.resolve("README.md"));
    int at = readme.indexOf(BLOCK_AFTER);
    assertThat(at).as("README names its cluster commands").isPositive();
    Matcher block = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find(at)).as("a block of commands after '" + BLOCK_AFTER + "'").isTrue();
    List<String> commands = new ArrayList<>();
    for (String line : block.group(1).split("\n")) {
      String command = line.replaceFirst("\\s+#\\s.*$", "").strip();
      if (!command.isEmpty()) {
        commands.add(command);
      }
    }
    return commands;
  }

  /** Runs one command in the checkout, as a user's shell would, pointed at this stack; its stdout. */
  private List<String> run(String command) throws Exception {
    Path output = Files.createTempFile(stack.warehouse().getParent(), "command", ".out");
    Process process = start(command, output);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("'" + command + "' did not finish in 5 minutes");
    }
    List<String> lines = Files.readAllLines(output);
    List<String> errors = Files.readAllLines(errors(output));
    String label = String.join(" ", java.util.Arrays.asList(command.split(" ")).subList(0, Math.min(3, command.split(" ").length)));
    lines.forEach(l -> System.out.println("[" + label + "] " + l));
    errors.forEach(l -> System.out.println("[" + label + " (stderr)] " + l));
    assertThat(process.exitValue()).as("'%s' failed: %s", command, commandText(errors)).isZero();
    return lines;
  }

  private Process start(String command, Path output) throws IOException {
    System.out.println("$ " + command);
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(repository.toFile())
        .redirectOutput(output.toFile()).redirectError(errors(output).toFile());
    Map<String, String> env = builder.environment();
    env.put("FLINK_REST_URL", stack.flink().baseUrl());
    env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("FACTORY_WAREHOUSE", stack.warehouse().toString());
    env.put("FACTORY_LINEAGE_EVENTS", lineageEvents().toString());
    return builder.start();
  }

  private static Path errors(Path output) {
    return output.resolveSibling(output.getFileName() + ".err");
  }

  private static String commandText(List<String> lines) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private List<Record> read(TableIdentifier id) {
    return RawRecordPlaces.read(catalog, id);
  }
}
