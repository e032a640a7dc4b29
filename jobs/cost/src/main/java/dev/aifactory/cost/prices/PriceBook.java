package dev.aifactory.cost.prices;

import dev.aifactory.common.JobConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * List (and contracted) prices over event time: the price of an item at time t is the one with
 * the latest {@code effectiveFrom <= t}. Built from configuration at start and extended by the
 * prices topic while the job runs.
 */
public final class PriceBook implements Serializable {

  /** One price entry. {@code accelerator} is set for GPU hours only. */
  public record Entry(String item, String accelerator, double listPrice, double contractedPrice, String currency,
      long effectiveFrom) implements Serializable {
    public String key() {
      return item + "/" + (accelerator == null ? "" : accelerator) + "/" + effectiveFrom;
    }
  }

  /** A price at a time: list, contracted, and their ratio. */
  public record Quote(double list, double contracted, String currency) {
    public double ratio() {
      return list == 0 ? 1 : contracted / list;
    }
  }

  public static final String GPU_HOUR = "GPU_HOUR";
  public static final String VCPU_HOUR = "VCPU_HOUR";
  public static final String GB_HOUR = "GB_HOUR";
  public static final String KWH = "KWH";

  private final List<Entry> entries;

  public PriceBook(Collection<Entry> entries) {
    this.entries = new ArrayList<>(entries);
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * Prices from {@code cost.price.*} keys, in force from the epoch: {@code cost.price.gpu-hour.<TYPE>},
   * {@code cost.price.vcpu-hour}, {@code cost.price.gb-hour}, {@code cost.price.kwh}, and
   * {@code cost.contract-discount} (a fraction off list for contracted prices).
   */
  public static PriceBook from(JobConfig config) {
    double discount = Double.parseDouble(config.get("cost.contract-discount", "0"));
    String currency = config.get("cost.currency", "USD");
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, String> e : config.withPrefix("cost.price.").entrySet()) {
      double list = Double.parseDouble(e.getValue());
      String key = e.getKey();
      String item;
      String accelerator = null;
      if (key.startsWith("gpu-hour.")) {
        item = GPU_HOUR;
        accelerator = key.substring("gpu-hour.".length());
      } else {
        item = switch (key) {
          case "vcpu-hour" -> VCPU_HOUR;
          case "gb-hour" -> GB_HOUR;
          case "kwh" -> KWH;
          default -> throw new IllegalArgumentException("unknown price cost.price." + key);
        };
      }
      entries.add(new Entry(item, accelerator, list, list * (1 - discount), currency, Long.MIN_VALUE));
    }
    return new PriceBook(entries);
  }

  /** This book plus {@code more} entries (later ones with the same key replace earlier ones). */
  public PriceBook with(Collection<Entry> more) {
    java.util.Map<String, Entry> byKey = new java.util.LinkedHashMap<>();
    entries.forEach(e -> byKey.put(e.key(), e));
    more.forEach(e -> byKey.put(e.key(), e));
    return new PriceBook(byKey.values());
  }

  /** The price of {@code item} (for {@code accelerator}, for GPU hours) at {@code time}; zero when none is known. */
  public Quote at(String item, String accelerator, long time) {
    Entry best = null;
    for (Entry e : entries) {
      boolean matches = e.item.equals(item) && (!GPU_HOUR.equals(item) || e.accelerator.equalsIgnoreCase(String.valueOf(accelerator)));
      if (matches && e.effectiveFrom <= time && (best == null || e.effectiveFrom > best.effectiveFrom)) {
        best = e;
      }
    }
    return best == null ? new Quote(0, 0, "USD") : new Quote(best.listPrice, best.contractedPrice, best.currency);
  }
}
