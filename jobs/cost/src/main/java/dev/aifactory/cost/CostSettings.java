package dev.aifactory.cost;

import dev.aifactory.common.JobConfig;
import dev.aifactory.cost.alerts.Budgets;
import dev.aifactory.cost.prices.PriceBook;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;

/**
 * The cost job's settings: window sizes, how long a sample stands for, lateness, prices at
 * start, budgets and the alert rules' parameters.
 */
public record CostSettings(long[] windowMillis, long maxSampleIntervalMillis, long latenessMillis, PriceBook prices, Budgets budgets,
    long alertWindowMillis, double budgetHysteresis, double idleFloorPct, double idleMarginPct, int idleWindows,
    String providerName, String serviceName) implements Serializable {

  public CostSettings withPrices(PriceBook book) {
    return new CostSettings(windowMillis, maxSampleIntervalMillis, latenessMillis, book, budgets, alertWindowMillis, budgetHysteresis,
        idleFloorPct, idleMarginPct, idleWindows, providerName, serviceName);
  }

  public static CostSettings from(JobConfig config) {
    long[] windows = Arrays.stream(config.get("cost.windows", "1m,1h").split(","))
        .mapToLong(w -> JobConfig.parseDuration(w.trim()).toMillis()).toArray();
    return new CostSettings(windows,
        config.getDuration("cost.sample.max-interval", Duration.ofSeconds(30)).toMillis(),
        config.getDuration("cost.allowed-lateness", Duration.ofMinutes(5)).toMillis(),
        PriceBook.from(config),
        Budgets.from(config),
        config.getDuration("cost.alerts.window", Duration.ofMinutes(1)).toMillis(),
        Double.parseDouble(config.get("cost.alerts.budget.hysteresis", "0.1")),
        Double.parseDouble(config.get("cost.alerts.idle.floor-pct", "5")),
        Double.parseDouble(config.get("cost.alerts.idle.margin-pct", "5")),
        config.getInt("cost.alerts.idle.windows", 5),
        config.get("cost.focus.provider-name", "self-hosted"),
        config.get("cost.focus.service-name", "AI Factory"));
  }
}
