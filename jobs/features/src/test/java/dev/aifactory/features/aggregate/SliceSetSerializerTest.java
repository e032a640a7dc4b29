package dev.aifactory.features.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.model.FeatureInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SliceSetSerializerTest {

  @Test
  void aSliceSetSurvivesTheRoundTripWithSumsExtremesAndBothKindsOfDistinctSets() throws Exception {
    SliceSet set = new SliceSet();
    for (int i = 0; i < 200; i++) {
      long start = (i % 3) * 60_000L;
      set.getOrCreate(start, 2, 1).add(new FeatureInput("c", "e" + i, start + i, new double[] {i * 0.1, i % 7 == 0 ? Double.NaN : -i},
          new String[] {start == 0 ? "m" + i : "m" + (i % 4)}));
    }
    SliceSet copy = roundTrip(set);
    assertThat(describe(copy)).isEqualTo(describe(set));
    assertThat(copy.get(0L).distinctSketch[0]).as("slice 0 saw 67 distinct merchants: a sketch").isNotNull();
    assertThat(copy.get(60_000L).distinctHashes[0]).hasSize(4);
    assertThat(describe(SliceSetSerializer.INSTANCE.copy(set))).isEqualTo(describe(set));
  }

  static SliceSet roundTrip(SliceSet set) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(256);
    SliceSetSerializer.INSTANCE.serialize(set, out);
    return SliceSetSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }

  static List<String> describe(SliceSet set) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Long, Slice> e : set.entries()) {
      Slice s = e.getValue();
      out.add(e.getKey() + " n=" + s.count + " last=" + s.lastTime + " sums=" + java.util.Arrays.deepToString(s.sum)
          + " present=" + java.util.Arrays.toString(s.present) + " min=" + java.util.Arrays.toString(s.min)
          + " max=" + java.util.Arrays.toString(s.max) + " lastValue=" + java.util.Arrays.toString(s.last)
          + " lastAt=" + java.util.Arrays.toString(s.lastAt) + " hashes=" + java.util.Arrays.deepToString(s.distinctHashes)
          + " sketch=" + java.util.Arrays.deepToString(s.distinctSketch));
    }
    return out;
  }
}
