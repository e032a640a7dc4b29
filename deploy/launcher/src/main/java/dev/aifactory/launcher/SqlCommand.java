package dev.aifactory.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifactory.launcher.cluster.SqlGatewayClient;
import dev.aifactory.launcher.cluster.SqlScripts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** SQL against the running SQL Gateway: a session on the terminal, one statement, or the deploy/sql files. */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Open a SQL Gateway session (statements from standard input, ended by ';'), run one statement (-e), "
        + "apply a folder of SQL files (--apply), or print the JDBC URL (--jdbc-url).")
final class SqlCommand implements Callable<Integer> {

  @Option(names = "--gateway", defaultValue = "${env:SQL_GATEWAY_URL:-http://localhost:8083}",
      description = "The SQL Gateway's REST address (default: ${DEFAULT-VALUE}).")
  String gateway;

  @Option(names = "--jdbc-url", description = "Print the Flink JDBC driver URL for this gateway and exit.")
  boolean jdbcUrl;

  @Option(names = "-e", description = "Run this statement and print its result.")
  String statement;

  @Option(names = "--apply", description = "Run every *.sql file of this folder, in name order (deploy/sql). Catalogs and views"
      + " are created through the administrators' endpoint (--gateway http://localhost:8093 on the local stack): the consumers'"
      + " endpoint runs queries only.")
  Path apply;

  @Option(names = "--var", description = "A ${name} value for --apply, name=value (repeatable).")
  Map<String, String> variables = new LinkedHashMap<>();

  @Option(names = "--timeout", defaultValue = "PT5M", description = "Per statement (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (jdbcUrl) {
      System.out.println(jdbcUrl(gateway));
      return 0;
    }
    try (SqlGatewayClient session = new SqlGatewayClient(gateway, Map.of())) {
      if (apply != null) {
        return applyFolder(session);
      }
      if (statement != null) {
        print(session.execute(statement, timeout));
        return 0;
      }
      return interactive(session);
    }
  }

  /** {@code jdbc:flink://host:port} from the gateway's REST address. */
  static String jdbcUrl(String gatewayUrl) {
    return "jdbc:flink://" + gatewayUrl.replaceFirst("^https?://", "").replaceFirst("/$", "");
  }

  private int applyFolder(SqlGatewayClient session) throws InterruptedException {
    int failed = 0;
    for (Path file : SqlScripts.files(apply)) {
      for (String sql : SqlScripts.statements(file, variables)) {
        try {
          session.execute(sql, timeout);
        } catch (SqlGatewayClient.SqlGatewayException e) {
          failed++;
          System.err.printf("%s: %s%n  in: %s%n", file.getFileName(), e.getMessage(), sql.lines().findFirst().orElse(""));
        }
      }
      System.err.println("applied " + file.getFileName());
    }
    return failed == 0 ? 0 : 1;
  }

  private int interactive(SqlGatewayClient session) throws Exception {
    System.err.println("SQL Gateway session " + session.session() + " on " + gateway + "; end statements with ';', quit with Ctrl-D.");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder buffer = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      buffer.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        for (String sql : SqlScripts.statements(buffer.toString(), Map.of())) {
          try {
            print(session.execute(sql, timeout));
          } catch (SqlGatewayClient.SqlGatewayException e) {
            System.out.println("ERROR: " + e.getMessage());
          }
        }
        buffer.setLength(0);
      }
    }
    return 0;
  }

  private static void print(SqlGatewayClient.Result result) {
    List<String[]> cells = new ArrayList<>();
    cells.add(result.columns().toArray(String[]::new));
    for (List<JsonNode> row : result.rows()) {
      cells.add(row.stream().map(v -> v.isNull() ? "NULL" : v.isTextual() ? v.asText() : v.toString()).toArray(String[]::new));
    }
    int[] width = new int[result.columns().size()];
    for (String[] row : cells) {
      for (int i = 0; i < row.length && i < width.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (int r = 0; r < cells.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        line.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", i < cells.get(r).length ? cells.get(r)[i] : ""));
      }
      System.out.println(line.toString().stripTrailing());
      if (r == 0) {
        System.out.println("-".repeat(line.length()));
      }
    }
    System.out.println(result.rows().size() + " row(s)");
  }
}
