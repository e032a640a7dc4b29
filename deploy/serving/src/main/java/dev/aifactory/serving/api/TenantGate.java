package dev.aifactory.serving.api;

import dev.aifactory.common.policy.Policy;
import dev.aifactory.common.policy.PolicyDeniedException;
import dev.aifactory.serving.tenant.Admission;
import dev.aifactory.serving.tenant.Tenant;
import dev.aifactory.serving.tenant.Tenants;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Who is calling, and whether they may: the API key (header {@code Authorization: Bearer <key>}
 * or {@code X-Api-Key}) names the tenant (401 without a known key); the tenant's scopes and the
 * access policy, for its purpose and the view's data classes, decide whether it may call the
 * route (403, naming the rule); admission decides whether it may call now (429). The tenants can
 * be replaced while the service runs ({@link #replace}): a revoked key is refused from then on.
 */
public final class TenantGate {

  /** One version of the tenants file, with what follows from it. */
  private record Current(Tenants tenants, Admission admission, Map<String, PolicyDeniedException> purposeDenials) {}

  private final Policy policy;
  private final Collection<String> viewClasses;
  private volatile Current current;

  public TenantGate(Tenants tenants, Policy policy, Collection<String> viewClasses) {
    this.policy = policy;
    this.viewClasses = viewClasses;
    replace(tenants);
  }

  /** Serves {@code tenants} from now on: new and revoked keys, rates, pools and purposes. */
  public void replace(Tenants tenants) {
    Map<String, PolicyDeniedException> denials = new HashMap<>();
    for (Tenant t : tenants.all()) {
      try {
        policy.requirePurpose(t.purpose(), viewClasses);
      } catch (PolicyDeniedException e) {
        denials.put(t.id(), e);
      }
    }
    Admission previous = current == null ? null : current.admission();
    current = new Current(tenants, new Admission(tenants, previous), Map.copyOf(denials));
  }

  public Tenant admit(String authorization, String apiKeyHeader, Tenant.Scope scope) {
    String key = apiKeyHeader;
    if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = authorization.substring(7).strip();
    }
    if (key == null || key.isEmpty()) {
      throw new ApiError(401, null, "an API key is required (Authorization: Bearer <key>, or X-Api-Key)");
    }
    Current now = current;
    Tenant tenant = now.tenants().byKey(key).orElseThrow(() -> new ApiError(401, null, "unknown API key"));
    if (!tenant.scopes().contains(scope)) {
      throw new ApiError(403, null, "tenant " + tenant.id() + " may not call " + scope.name().toLowerCase(java.util.Locale.ROOT));
    }
    PolicyDeniedException denied = now.purposeDenials().get(tenant.id());
    if (denied != null) {
      throw denied;
    }
    return tenant;
  }

  /** A slot in the tenant's pool, within its quota; throws {@link Admission.Refused} otherwise. */
  public Admission.Slot slot(Tenant tenant) {
    try {
      return current.admission().admit(tenant);
    } catch (IllegalArgumentException revokedMeanwhile) {
      throw new ApiError(401, null, "the API key was revoked");
    }
  }
}
