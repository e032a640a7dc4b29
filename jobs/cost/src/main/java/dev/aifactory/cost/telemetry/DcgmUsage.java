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
 * A MIG instance carries its profile ({@code GPU_I_PROFILE}) and its share of the GPU, its compute
 * slices over the GPU's ({@link #migSlices}); the slices no instance holds come as one more
 * sample of the GPU, unallocated, so the cost job charges each instance its slices and shows the
 * free ones as idle instead of splitting the GPU equally between the instances it sees.
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
    out.addAll(freeMigSlices(out, scrapedAt, owners));
    return out;
  }

  /** Per GPU split into MIG instances, the share of its slices none of them holds, as an unallocated sample. */
  private static List<Usage> freeMigSlices(List<Usage> samples, Instant at, Owners owners) {
    Map<String, List<Usage>> byGpu = new LinkedHashMap<>();
    samples.forEach(u -> byGpu.computeIfAbsent(u.getResourceId(), k -> new ArrayList<>()).add(u));
    List<Usage> free = new ArrayList<>();
    byGpu.forEach((uuid, instances) -> {
      if (instances.stream().anyMatch(u -> u.getGpuShare() == null)) {
        return; // a whole or time-sliced GPU: its co-tenants split it
      }
      double held = instances.stream().mapToDouble(Usage::getGpuShare).sum();
      if (held < 1 - 1e-9) {
        Usage first = instances.get(0);
        free.add(Usage.newBuilder()
            .setEventId(uuid + "/free-mig-slices@" + at.toEpochMilli())
            .setEventTime(at)
            .setResourceId(uuid)
            .setResourceType("gpu")
            .setAcceleratorType(first.getAcceleratorType())
            .setGpuUtilPct(0.0)
            .setGpuShare(1 - held)
            .setTeam(owners.defaultTeam())
            .setWorkloadClass("unallocated")
            .build());
      }
    });
    return free;
  }

  /**
   * Compute slices of a MIG profile ("3g.71gb": 3) over the GPU's (4 on an A30, 7 on the A100,
   * H100 and H200), or null when the profile does not say.
   */
  static Double migShare(String profile, String acceleratorType) {
    if (profile == null) {
      return null;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:\\d+c\\.)?(\\d+)g\\.").matcher(profile);
    if (!m.find()) {
      return null;
    }
    int gpuSlices = "A30".equals(acceleratorType) ? 4 : 7;
    return Math.min(1.0, Integer.parseInt(m.group(1)) / (double) gpuSlices);
  }

  private static Usage.Builder start(String uuid, String holder, Map<String, String> labels, Instant at, Owners owners) {
    String pod = labels.get("pod");
    boolean held = pod != null && !pod.isBlank();
    String accelerator = acceleratorType(labels.get("modelName"));
    String profile = labels.get("GPU_I_PROFILE");
    return Usage.newBuilder()
        .setEventId(uuid + (held ? "/" + holder : "") + "@" + at.toEpochMilli())
        .setEventTime(at)
        .setResourceId(uuid)
        .setResourceType("gpu")
        .setAcceleratorType(accelerator)
        .setMigProfile(profile)
        .setGpuShare(migShare(profile, accelerator))
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
