package dev.aifactory.cost.source;

import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.Metering;
import dev.aifactory.cost.model.Rejected;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.model.UsageRecord;
import java.time.Instant;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;

/**
 * A decoded {@code Usage} record (as the contract, so v1 and v2 writers alike) as a sample, a
 * metering record, or a rejection with the rule it broke. Metering records are resource type
 * {@code job} or carry any metering field; everything else must be a gpu or cpu sample with
 * gauges in range.
 */
public final class UsageReader {

  private static final Set<String> RESOURCE_TYPES = Set.of("gpu", "cpu", "memory", "job");

  private UsageReader() {}

  public static UsageRecord read(GenericRecord u) {
    String eventId = string(u, "event_id");
    String resourceId = string(u, "resource_id");
    long time = time(u.get("event_time"));
    String type = string(u, "resource_type");
    Labels labels = new Labels(string(u, "team"), string(u, "workload_class"), string(u, "job"), string(u, "model"));
    if (!RESOURCE_TYPES.contains(type)) {
      return invalid(eventId, resourceId, time, "resource_type must be one of " + RESOURCE_TYPES + ", was " + type);
    }
    boolean metering = "job".equals(type) || u.get("rows_scored") != null || u.get("records_ingested") != null
        || u.get("batches") != null || u.get("inference_ms") != null;
    if (metering) {
      Metering m = new Metering();
      m.eventId = eventId;
      m.time = time;
      m.labels = labels;
      m.rowsScored = longOr(u, "rows_scored");
      m.batches = longOr(u, "batches");
      m.inferenceMs = doubleOr(u, "inference_ms", 0);
      m.recordsIngested = longOr(u, "records_ingested");
      m.acceleratorType = string(u, "accelerator_type");
      if (m.rowsScored < 0 || m.batches < 0 || m.recordsIngested < 0 || m.inferenceMs < 0) {
        return invalid(eventId, resourceId, time, "metering counts must not be negative");
      }
      return UsageRecord.of(m);
    }
    Sample s = new Sample();
    s.eventId = eventId;
    s.time = time;
    s.resourceId = resourceId;
    s.resourceType = "memory".equals(type) ? "cpu" : type;
    s.acceleratorType = string(u, "accelerator_type");
    s.labels = labels;
    s.gpuUtilPct = doubleOr(u, "gpu_util_pct", Double.NaN);
    s.powerW = doubleOr(u, "power_w", Double.NaN);
    s.fbUsedMib = doubleOr(u, "fb_used_mib", Double.NaN);
    s.energyMj = u.get("energy_mj") == null ? -1 : ((Number) u.get("energy_mj")).longValue();
    s.cpuCoresUsed = doubleOr(u, "cpu_cores_used", Double.NaN);
    s.cpuCoresRequested = doubleOr(u, "cpu_cores_requested", Double.NaN);
    s.cpuCoresCapacity = u.getSchema().getField("cpu_cores_capacity") == null ? Double.NaN : doubleOr(u, "cpu_cores_capacity", Double.NaN);
    s.memoryGb = doubleOr(u, "memory_gb", Double.NaN);
    s.gpuShare = u.getSchema().getField("gpu_share") == null ? Double.NaN : doubleOr(u, "gpu_share", Double.NaN);
    if (!Double.isNaN(s.gpuShare) && !(s.gpuShare > 0 && s.gpuShare <= 1)) {
      return invalid(eventId, resourceId, time, "gpu_share must be in (0, 1], was " + s.gpuShare);
    }
    if (s.isGpu() && (s.acceleratorType == null || !(s.gpuUtilPct >= 0 && s.gpuUtilPct <= 100))) {
      return invalid(eventId, resourceId, time, "a gpu sample needs accelerator_type and gpu_util_pct in [0, 100]");
    }
    if (s.cpuCoresUsed < 0 || s.cpuCoresRequested < 0 || s.powerW < 0 || s.memoryGb < 0) {
      return invalid(eventId, resourceId, time, "gauges must not be negative");
    }
    return UsageRecord.of(s);
  }

  private static UsageRecord invalid(String eventId, String resourceId, long time, String why) {
    return UsageRecord.of(Rejected.of(Rejected.INVALID, why, eventId, resourceId, time, Long.MIN_VALUE, System.currentTimeMillis()));
  }

  private static long time(Object v) {
    return v instanceof Instant i ? i.toEpochMilli() : ((Number) v).longValue();
  }

  private static String string(GenericRecord r, String field) {
    Object v = r.get(field);
    return v == null ? null : v.toString();
  }

  private static long longOr(GenericRecord r, String field) {
    Object v = r.get(field);
    return v == null ? 0 : ((Number) v).longValue();
  }

  private static double doubleOr(GenericRecord r, String field, double fallback) {
    Object v = r.get(field);
    return v == null ? fallback : ((Number) v).doubleValue();
  }
}
