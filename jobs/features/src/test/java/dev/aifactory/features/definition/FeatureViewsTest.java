package dev.aifactory.features.definition;

import dev.aifactory.common.deadletter.DeadLetter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.features.aggregate.Slice;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.source.SourceRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class FeatureViewsTest {

  static final String VIEW = """
      name: v
      version: 1
      description: %s
      entity: card_id
      source: transactions
      contract: dev.aifactory.payments.Transaction
      slide: 1min
      ttl: %s
      features:
        - {name: f, aggregation: %s, field: %s, window: %s}
      """;

  static FeatureView view(String description, String ttl, String aggregation, String field, String window) {
    return FeatureViews.parse(VIEW.formatted(description, ttl, aggregation, field, window));
  }

  @Test
  void theBundledViewsLoadAndCheckAgainstTheirContract() {
    FeatureView card = FeatureViews.load("card_activity");
    assertThat(card.entity()).isEqualTo("card_id");
    assertThat(card.windows()).containsExactly(600_000, 3_600_000, 86_400_000, 604_800_000);
    assertThat(card.numericFields()).containsExactly("amount");
    assertThat(card.distinctFields()).containsExactly("merchant_id", "geo_country");
    FeatureView merchant = FeatureViews.load("merchant_activity");
    assertThat(merchant.filterValues()).containsExactlyInAnyOrder("ecom", "pos");
  }

  @Test
  void aChangedDefinitionHasAnotherHashAndTheDescriptionDoesNotCount() {
    FeatureView base = view("one", "1h", "sum", "amount", "10min");
    assertThat(view("another text", "1h", "sum", "amount", "10min").definitionSha256()).isEqualTo(base.definitionSha256());
    assertThat(view("one", "1h", "sum", "amount", "20min").definitionSha256()).isNotEqualTo(base.definitionSha256());
    assertThat(view("one", "1h", "max", "amount", "10min").definitionSha256()).isNotEqualTo(base.definitionSha256());
  }

  @Test
  void mistakesFailAtLoadWithTheReason() {
    assertThatThrownBy(() -> view("d", "1h", "sum", "currency", "10min")).hasMessageContaining("currency is not numeric");
    assertThatThrownBy(() -> view("d", "1h", "sum", "nope", "10min")).hasMessageContaining("no field nope");
    assertThatThrownBy(() -> view("d", "1h", "median", "amount", "10min")).hasMessageContaining("unknown aggregation median");
    assertThatThrownBy(() -> view("d", "1h", "sum", "amount", "90s")).hasMessageContaining("not a multiple of the slide");
    assertThatThrownBy(() -> view("d", "5min", "sum", "amount", "10min")).hasMessageContaining("ttl must cover the longest window");
  }

  @Test
  void stateAndRecordTypesAreFlinkPojosNotKryo() {
    for (Class<?> type : new Class<?>[] {Slice.class, FeatureInput.class, FeatureRow.class, DeadLetter.class, SourceRecord.class}) {
      assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
    }
  }
}
