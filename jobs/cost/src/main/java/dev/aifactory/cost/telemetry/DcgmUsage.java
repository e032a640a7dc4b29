package dev.aifactory.cost.telemetry;

import dev.aifactory.telemetry.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DCGM exporter metrics as {@code Usage} samples, one per GPU (its {@code UUID} label) and holder:
 * a GPU time-sliced between pods, or split into MIG instances ({@code GPU_I_ID}) held by
 * different pods, gives one sample per pod, all with the GPU as resource, and the cost job splits
 * the GPU between these co-tenants (they used to collapse into one sample, charged to the first
 * pod):
 * {@code DCGM_FI_DEV_GPU_UTIL} (%), {@code DCGM_FI_DEV_FB_USED} (MiB), {@code DCGM_FI_DEV_POWER_USAGE}
 * (W), {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION} (mJ counter); the accelerator type from
 * {@code modelName}. With the exporter's Kubernetes mapping a GPU held by a pod is charged to the
 * pod's namespace (the team) and the given workload class; a GPU without a pod is unallocated.
 */
public final class DcgmUsage {

  /** Who GPUs belong to when the exporter does not say. */
  public record Owners(String defaultTeam, String workloadClass) {}

  private static final java.util.Set<String> USED = java.util.Set.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED",
      "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");

  private DcgmUsage() {}

  public static List<Usage> from(List<PrometheusText.Metric> metrics, Instant scrapedAt, Owners owners) {
    Map<String, Usage.Builder> byGpu = new LinkedHashMap<>();
    for (PrometheusText.Metric m : metrics) {
      if (!USED.contains(m.name())) {
        continue; // other fields (clocks, temperatures) may come without the pod labels: not a holder
      }
      String uuid = m.labels().getOrDefault("UUID", m.labels().getOrDefault("Hostname", "host") + "/gpu" + m.labels().getOrDefault("gpu", "0"));
      String holder = m.labels().getOrDefault("namespace", "") + "/" + m.labels().getOrDefault("pod", "")
          + "/" + m.labels().getOrDefault("GPU_I_ID", "");
      Usage.Builder u = byGpu.computeIfAbsent(uuid + "|" + holder, key -> start(uuid, holder, m.labels(), scrapedAt, owners));
      switch (m.name()) {
        case "DCGM_FI_DEV_GPU_UTIL" -> u.setGpuUtilPct(m.value());
        case "DCGM_FI_DEV_FB_USED" -> u.setFbUsedMib(m.value());
        case "DCGM_FI_DEV_POWER_USAGE" -> u.setPowerW(m.value());
        case "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION" -> u.setEnergyMj((long) m.value());
        default -> { }
      }
    }
    List<Usage> out = new ArrayList<>();
    byGpu.values().forEach(b -> out.add(b.build()));
    return out;
  }

  private static Usage.Builder start(String uuid, String holder, Map<String, String> labels, Instant at, Owners owners) {
    String pod = labels.get("pod");
    boolean held = pod != null && !pod.isBlank();
    return Usage.newBuilder()
        .setEventId(uuid + (held ? "/" + holder : "") + "@" + at.toEpochMilli())
        .setEventTime(at)
        .setResourceId(uuid)
        .setResourceType("gpu")
        .setAcceleratorType(acceleratorType(labels.get("modelName")))
        .setTeam(held ? labels.getOrDefault("namespace", owners.defaultTeam()) : owners.defaultTeam())
        .setWorkloadClass(held ? owners.workloadClass() : "unallocated")
        .setJob(held ? pod : null);
  }

  /** "NVIDIA H200" → "H200", "NVIDIA H100 80GB HBM3" → "H100": the key prices are listed by. */
  static String acceleratorType(String modelName) {
    if (modelName == null || modelName.isBlank()) {
      return "unknown";
    }
    String[] words = modelName.replace("NVIDIA", "").strip().split("\\s+");
    return words[0];
  }
}
