package dev.aifactory.features;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;

/** Small views for tests: minute slides, so a few events cover every case. */
public final class TestViews {

  private TestViews() {}

  /** Slide 1 min; windows 2 and 5 min; TTL 5 min; allowed lateness {@code lateness}. */
  public static FeatureView cardView(String lateness) {
    return FeatureViews.parse("""
        name: test_card
        version: 1
        entity: card_id
        source: transactions
        contract: dev.aifactory.payments.Transaction
        slide: 1min
        ttl: 5min
        allowed_lateness: %s
        features:
          - {name: count_2m,    aggregation: count,           window: 2min}
          - {name: sum_5m,      aggregation: sum,             field: amount, window: 5min}
          - {name: avg_5m,      aggregation: avg,             field: amount, window: 5min}
          - {name: min_5m,      aggregation: min,             field: amount, window: 5min}
          - {name: max_2m,      aggregation: max,             field: amount, window: 2min}
          - {name: merchants_5m, aggregation: approx_distinct, field: merchant_id, window: 5min}
          - {name: last_5m,     aggregation: last,            field: amount, window: 5min}
          - {name: since_last_5m, aggregation: time_since_last, window: 5min}
        """.formatted(lateness));
  }

  /** Slide 1 min; a 10-minute window (hops by the minute) and a 3-hour one (hops by the hour); TTL 3 h. */
  public static FeatureView hourView(String lateness) {
    return FeatureViews.parse("""
        name: test_hours
        version: 1
        entity: card_id
        source: transactions
        contract: dev.aifactory.payments.Transaction
        slide: 1min
        ttl: 3h
        allowed_lateness: %s
        features:
          - {name: count_10m,     aggregation: count,           window: 10min}
          - {name: sum_3h,        aggregation: sum,             field: amount, window: 3h}
          - {name: max_3h,        aggregation: max,             field: amount, window: 3h}
          - {name: merchants_3h,  aggregation: approx_distinct, field: merchant_id, window: 3h}
          - {name: last_10m,      aggregation: last,            field: amount, window: 10min}
          - {name: since_last_3h, aggregation: time_since_last, window: 3h}
        """.formatted(lateness));
  }
}
