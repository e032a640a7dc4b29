package dev.aifactory.udfs.gateway;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogBaseTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UnresolvedIdentifier;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.gateway.api.SqlGatewayService;
import org.apache.flink.table.gateway.api.endpoint.EndpointVersion;
import org.apache.flink.table.gateway.api.operation.OperationHandle;
import org.apache.flink.table.gateway.api.results.FetchOrientation;
import org.apache.flink.table.gateway.api.results.FunctionInfo;
import org.apache.flink.table.gateway.api.results.GatewayInfo;
import org.apache.flink.table.gateway.api.results.OperationInfo;
import org.apache.flink.table.gateway.api.results.ResultSet;
import org.apache.flink.table.gateway.api.results.TableInfo;
import org.apache.flink.table.gateway.api.session.SessionEnvironment;
import org.apache.flink.table.gateway.api.session.SessionHandle;
import org.apache.flink.table.gateway.api.utils.SqlGatewayException;

/**
 * The gateway's service as a consumer endpoint offers it: every statement, session setting and
 * session property passes {@link GovernedStatements} first; scripts and materialized-table
 * refreshes, which run statements of their own, are refused. The rest is the gateway's own.
 */
final class GovernedSqlGatewayService implements SqlGatewayService {

  private final SqlGatewayService gateway;
  private final GovernedStatements statements;

  GovernedSqlGatewayService(SqlGatewayService gateway, GovernedStatements statements) {
    this.gateway = gateway;
    this.statements = statements;
  }

  @Override
  public SessionHandle openSession(SessionEnvironment environment) throws SqlGatewayException {
    statements.refusal(environment.getSessionConfig()).ifPresent(GovernedSqlGatewayService::refuse);
    return gateway.openSession(environment);
  }

  @Override
  public void configureSession(SessionHandle session, String statement, long timeoutMs) throws SqlGatewayException {
    statements.refusal(statement).ifPresent(GovernedSqlGatewayService::refuse);
    gateway.configureSession(session, statement, timeoutMs);
  }

  @Override
  public OperationHandle executeStatement(SessionHandle session, String statement, long timeoutMs, Configuration executionConfig)
      throws SqlGatewayException {
    statements.refusal(statement).ifPresent(GovernedSqlGatewayService::refuse);
    statements.refusal(executionConfig.toMap()).ifPresent(GovernedSqlGatewayService::refuse);
    return gateway.executeStatement(session, statement, timeoutMs, executionConfig);
  }

  @Override
  public OperationHandle refreshMaterializedTable(SessionHandle session, String table, boolean periodic, String scheduleTime,
      Map<String, String> dynamicOptions, Map<String, String> staticPartitions, Map<String, String> executionConfig) {
    throw refuse("refreshing a materialized table runs statements of its own; consumer sessions run queries only");
  }

  @Override
  public <C> C deployScript(SessionHandle session, URI scriptUri, String script, Configuration executionConfig)
      throws SqlGatewayException {
    throw refuse("deploying a script runs statements of its own; consumer sessions run queries only");
  }

  private static SqlGatewayException refuse(String why) {
    throw new SqlGatewayException(why);
  }

  // --- the gateway's own ---

  @Override
  public void closeSession(SessionHandle session) throws SqlGatewayException {
    gateway.closeSession(session);
  }

  @Override
  public Map<String, String> getSessionConfig(SessionHandle session) throws SqlGatewayException {
    return gateway.getSessionConfig(session);
  }

  @Override
  public EndpointVersion getSessionEndpointVersion(SessionHandle session) throws SqlGatewayException {
    return gateway.getSessionEndpointVersion(session);
  }

  @Override
  public OperationHandle submitOperation(SessionHandle session, Callable<ResultSet> executor) throws SqlGatewayException {
    return gateway.submitOperation(session, executor);
  }

  @Override
  public void cancelOperation(SessionHandle session, OperationHandle operation) throws SqlGatewayException {
    gateway.cancelOperation(session, operation);
  }

  @Override
  public void closeOperation(SessionHandle session, OperationHandle operation) throws SqlGatewayException {
    gateway.closeOperation(session, operation);
  }

  @Override
  public OperationInfo getOperationInfo(SessionHandle session, OperationHandle operation) throws SqlGatewayException {
    return gateway.getOperationInfo(session, operation);
  }

  @Override
  public ResolvedSchema getOperationResultSchema(SessionHandle session, OperationHandle operation) throws SqlGatewayException {
    return gateway.getOperationResultSchema(session, operation);
  }

  @Override
  public ResultSet fetchResults(SessionHandle session, OperationHandle operation, long token, int maxRows) throws SqlGatewayException {
    return gateway.fetchResults(session, operation, token, maxRows);
  }

  @Override
  public ResultSet fetchResults(SessionHandle session, OperationHandle operation, FetchOrientation orientation, int maxRows)
      throws SqlGatewayException {
    return gateway.fetchResults(session, operation, orientation, maxRows);
  }

  @Override
  public String getCurrentCatalog(SessionHandle session) throws SqlGatewayException {
    return gateway.getCurrentCatalog(session);
  }

  @Override
  public Set<String> listCatalogs(SessionHandle session) throws SqlGatewayException {
    return gateway.listCatalogs(session);
  }

  @Override
  public Set<String> listDatabases(SessionHandle session, String catalog) throws SqlGatewayException {
    return gateway.listDatabases(session, catalog);
  }

  @Override
  public Set<TableInfo> listTables(SessionHandle session, String catalog, String database, Set<CatalogBaseTable.TableKind> kinds)
      throws SqlGatewayException {
    return gateway.listTables(session, catalog, database, kinds);
  }

  @Override
  public ResolvedCatalogBaseTable<?> getTable(SessionHandle session, ObjectIdentifier table) throws SqlGatewayException {
    return gateway.getTable(session, table);
  }

  @Override
  public Set<FunctionInfo> listUserDefinedFunctions(SessionHandle session, String catalog, String database) throws SqlGatewayException {
    return gateway.listUserDefinedFunctions(session, catalog, database);
  }

  @Override
  public Set<FunctionInfo> listSystemFunctions(SessionHandle session) throws SqlGatewayException {
    return gateway.listSystemFunctions(session);
  }

  @Override
  public FunctionDefinition getFunctionDefinition(SessionHandle session, UnresolvedIdentifier function) throws SqlGatewayException {
    return gateway.getFunctionDefinition(session, function);
  }

  @Override
  public GatewayInfo getGatewayInfo() {
    return gateway.getGatewayInfo();
  }

  @Override
  public List<String> completeStatement(SessionHandle session, String statement, int position) throws SqlGatewayException {
    return gateway.completeStatement(session, statement, position);
  }
}
