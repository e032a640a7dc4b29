package dev.aifactory.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.payments.Transaction;
import dev.aifactory.schemas.SchemaCatalog.VersionedSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The build-time guard on schema evolution: each version must read data of the one before. */
class SchemaEvolutionTest {

  private static final SchemaCatalog CATALOG = SchemaCatalog.bundled();

  static Stream<String> families() {
    return CATALOG.names().stream();
  }

  @ParameterizedTest
  @MethodSource("families")
  void everyVersionReadsDataWrittenWithThePreviousOne(String family) {
    List<VersionedSchema> versions = CATALOG.versions(family);
    for (int i = 1; i < versions.size(); i++) {
      Schema older = versions.get(i - 1).schema();
      Schema newer = versions.get(i).schema();
      SchemaCompatibility.SchemaPairCompatibility pair =
          SchemaCompatibility.checkReaderWriterCompatibility(newer, older);
      assertThat(pair.getType())
          .as("%s v%d must read v%d data: %s", family, versions.get(i).version(), versions.get(i - 1).version(),
              pair.getResult().getIncompatibilities())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void versionsAreNumberedOneTwoThreeWithoutGaps(String family) {
    List<VersionedSchema> versions = CATALOG.versions(family);
    for (int i = 0; i < versions.size(); i++) {
      assertThat(versions.get(i).version()).isEqualTo(i + 1);
    }
  }

  @Test
  void theCompatibilityCheckRejectsARealIncompatibleChange() {
    // The guard above only means something if it can fail: narrowing amount back to int must.
    Schema v3 = CATALOG.contract("dev.aifactory.payments.Transaction").schema();
    Schema narrowed = new Schema.Parser().parse(v3.toString().replace("\"type\":\"double\"", "\"type\":\"int\""));
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(narrowed, v3).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  @Test
  void transactionDriftIsRealAcrossVersions() {
    List<VersionedSchema> versions = CATALOG.versions("dev.aifactory.payments.Transaction");
    assertThat(versions).hasSize(3);
    assertThat(versions.get(1).schema().getFields()).hasSizeGreaterThan(versions.get(0).schema().getFields().size());
    assertThat(versions.get(0).schema().getField("amount").schema().getType()).isEqualTo(Schema.Type.FLOAT);
    assertThat(versions.get(2).schema().getField("amount").schema().getType()).isEqualTo(Schema.Type.DOUBLE);
    assertThat(versions.get(2).schema().getField("device_id")).isNotNull();
    assertThat(versions.get(1).schema().getField("device_id")).isNull();
  }

  @Test
  void generatedCodeIsTheNewestContract() {
    // Transaction is generated from the newest version; it must be the catalog's contract
    // (compared by fingerprint: the generator adds Java-only string properties).
    assertThat(SchemaCatalog.fingerprintOf(Transaction.getClassSchema()))
        .isEqualTo(CATALOG.contract("dev.aifactory.payments.Transaction").fingerprint());
  }

  @Test
  void personalDataIsClassified() {
    Schema contract = CATALOG.contract("dev.aifactory.payments.Transaction").schema();
    assertThat(contract.getField("card_id").getProp("classification")).isEqualTo("pci");
    assertThat(contract.getField("ip_address").getProp("classification")).isEqualTo("pii");
    assertThat(contract.getField("amount").getProp("classification")).isNull();
  }

  @Test
  void theCatalogListsEverySchemaFileInTheSourceTree() throws IOException {
    Path root = Path.of("src/main/avro");
    try (Stream<Path> files = Files.walk(root)) {
      List<String> onDisk = files.filter(p -> p.toString().endsWith(".avsc"))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
      List<String> listed = CATALOG.names().stream()
          .flatMap(n -> CATALOG.versions(n).stream()).map(VersionedSchema::file).sorted().toList();
      assertThat(listed).containsExactlyElementsOf(onDisk);
    }
  }

  @Test
  void fingerprintsAreUniqueAndFindTheirSchema() {
    for (String name : CATALOG.names()) {
      for (VersionedSchema v : CATALOG.versions(name)) {
        assertThat(CATALOG.byFingerprint(v.fingerprint())).contains(v);
      }
    }
  }
}
