package dev.aifactory.udfs.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.policy.Policy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a consumer session may run; the real gateway's refusals are in SqlGatewayEndToEndTest. */
class GovernedStatementsTest {

  final GovernedStatements statements = new GovernedStatements(Policy.bundled(), "sql_consumer");

  @Test
  void queriesAndSessionSettingsRun() {
    for (String ok : new String[] {"SELECT 1", "  select * from factory.features.card_features_latest", "WITH a AS (SELECT 1) SELECT * FROM a",
        "(SELECT 1) UNION (SELECT 2)", "VALUES (1)", "SHOW CATALOGS", "DESCRIBE factory.scoring.predictions", "DESC t",
        "EXPLAIN SELECT 1", "USE CATALOG factory", "SET 'table.local-time-zone' = 'UTC'", "SET", "RESET 'execution.runtime-mode'",
        "-- why\\nSELECT 1", "/* hint */ SELECT 1"}) {
      assertThat(statements.refusal(ok.replace("\\n", "\n"))).as(ok).isEmpty();
    }
  }

  @Test
  void definitionsWritesAndJarsAreRefusedNamingTheRule() {
    for (String refused : new String[] {"CREATE CATALOG raw WITH ('type' = 'iceberg')", "create temporary table t (a INT) with ('connector' = 'filesystem')",
        "/* x */ CREATE TABLE t (a INT)", "-- x\nCREATE FUNCTION f AS 'a.B'", "((CREATE VIEW v AS SELECT 1", "INSERT INTO t SELECT 1",
        "ADD JAR 'x.jar'", "LOAD MODULE hive", "EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT 1; END", "BEGIN STATEMENT SET",
        "CALL sys.p()", "DROP CATALOG iceberg", "ALTER TABLE t SET ('a' = 'b')", "", "/* unterminated"}) {
      assertThat(statements.refusal(refused)).as(refused).hasValueSatisfying(why -> assertThat(why)
          .contains("refused", "rule 'restricted-zones-are-for-ingest-and-privacy'"));
    }
  }

  @Test
  void settingsThatChooseJarsOrCatalogsAreRefused() {
    for (String refused : new String[] {"SET 'pipeline.jars' = 'file:/x.jar'", "SET pipeline.classpaths = 'file:/x'",
        "SET `table.catalog-store.kind` = 'file'", "RESET 'table.sql-dialect'", "set 'sql-gateway.endpoint.type' = 'rest'"}) {
      assertThat(statements.refusal(refused)).as(refused).hasValueSatisfying(why -> assertThat(why).contains("refused"));
    }
    assertThat(statements.refusal(Map.of("table.catalog-store.kind", "file"))).isPresent();
    assertThat(statements.refusal(Map.of("table.local-time-zone", "UTC"))).isEmpty();
  }
}
