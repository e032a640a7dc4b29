package dev.aifactory.ingest.quality;

import java.io.Serializable;
import org.apache.avro.generic.GenericRecord;

/** One declared data-quality rule, evaluated on a record decoded to its domain's contract. */
public interface QualityRule extends Serializable {

  /** The rule's name: the quarantine reason and the dq table's key. */
  String name();

  /**
   * @return null when the record passes, else a short human-readable detail of the violation
   */
  String check(GenericRecord record, byte[] kafkaKey, long nowMillis);
}
