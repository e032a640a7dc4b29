package dev.aifactory.serving.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The serving process's CPU over one metering interval, split over who used it so that the cost
 * job can price it per tenant: in proportion to requests, by tenant and by the model that scored
 * the request (none for feature reads, fallbacks and refusals). What no tenant asked for (an
 * interval without requests, or requests without a valid key) belongs to the team that runs the
 * service. The shares add up to the cores measured.
 */
final class CpuShares {

  /** One share: {@code model} null for requests that ran no model. */
  record Share(String team, String model, double cores) {}

  private record Key(String tenant, String model) {}

  private final Map<Key, Long> requests = new HashMap<>();

  /** One request, {@code tenant} null when none was identified, {@code model} null when none scored it. */
  void requested(String tenant, String model) {
    requests.merge(new Key(tenant, tenant == null ? null : model), 1L, Long::sum);
  }

  /** {@code cores}: CPU cores the process used on average over the interval. */
  List<Share> split(double cores, String owner) {
    long total = requests.values().stream().mapToLong(Long::longValue).sum();
    List<Share> shares = new ArrayList<>();
    if (total == 0) {
      shares.add(new Share(owner, null, cores));
    }
    requests.forEach((key, n) -> shares.add(new Share(key.tenant() == null ? owner : key.tenant(), key.model(), cores * n / total)));
    return shares;
  }
}
