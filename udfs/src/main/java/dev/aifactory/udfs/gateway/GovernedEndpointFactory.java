package dev.aifactory.udfs.gateway;

import dev.aifactory.common.JobConfig;
import dev.aifactory.common.policy.Policy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.gateway.api.SqlGatewayService;
import org.apache.flink.table.gateway.api.endpoint.SqlGatewayEndpoint;
import org.apache.flink.table.gateway.api.endpoint.SqlGatewayEndpointFactory;
import org.apache.flink.table.gateway.rest.SqlGatewayRestEndpointFactory;

/**
 * The SQL Gateway's endpoint for consumers ({@code sql-gateway.endpoint.type: [factory-governed,
 * rest]}): Flink's own REST endpoint, with its options under
 * {@code sql-gateway.endpoint.factory-governed.*} ({@code address}, {@code bind-address},
 * {@code port}), in front of a service that runs only what {@link GovernedStatements} allows
 * for {@code role} (default {@code sql_consumer}) under the policy ({@code policy-file}, else the
 * bundled one). The plain {@code rest} endpoint stays for administrators, bound where consumers
 * cannot reach it: deploy/sql's catalogs and views are applied through it.
 */
public final class GovernedEndpointFactory implements SqlGatewayEndpointFactory {

  public static final String IDENTIFIER = "factory-governed";
  static final ConfigOption<String> ROLE = ConfigOptions.key("role").stringType().defaultValue("sql_consumer");
  static final ConfigOption<String> POLICY_FILE = ConfigOptions.key("policy-file").stringType().defaultValue("");

  private final SqlGatewayRestEndpointFactory rest = new SqlGatewayRestEndpointFactory();

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return rest.requiredOptions();
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    Set<ConfigOption<?>> options = new HashSet<>(rest.optionalOptions());
    options.add(ROLE);
    options.add(POLICY_FILE);
    return options;
  }

  @Override
  public SqlGatewayEndpoint createSqlGatewayEndpoint(Context context) {
    Map<String, String> restOptions = new HashMap<>(context.getEndpointOptions());
    String role = restOptions.getOrDefault(ROLE.key(), ROLE.defaultValue());
    String policyFile = restOptions.getOrDefault(POLICY_FILE.key(), POLICY_FILE.defaultValue());
    restOptions.remove(ROLE.key());
    restOptions.remove(POLICY_FILE.key());
    Policy policy = Policy.from(JobConfig.of(Map.of(Policy.FILE_OPTION, policyFile)));
    SqlGatewayService governed = new GovernedSqlGatewayService(context.getSqlGatewayService(), new GovernedStatements(policy, role));
    return rest.createSqlGatewayEndpoint(new Context() {
      @Override
      public SqlGatewayService getSqlGatewayService() {
        return governed;
      }

      @Override
      public ReadableConfig getFlinkConfiguration() {
        return context.getFlinkConfiguration();
      }

      @Override
      public Map<String, String> getEndpointOptions() {
        return restOptions;
      }
    });
  }
}
