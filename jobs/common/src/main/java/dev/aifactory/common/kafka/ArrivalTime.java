package dev.aifactory.common.kafka;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * When an event reached the factory: the timestamp of its raw Kafka record. That is the
 * producer's send time unless the producer set one (a replay of history sets each record's event
 * time, so that it counts), or the broker's clock on a topic with
 * {@code message.timestamp.type=LogAppendTime}. Ingest keeps it in silver as
 * {@code _kafka_timestamp} and sends it with each silver record as this header, so every reader
 * of silver, streaming or from the table, judges lateness by the same fact: how long after it
 * happened an event arrived. Unlike a watermark, that does not depend on how fast, or in which
 * order, a reader gets through the partitions, and a redelivered copy carries the same value.
 */
public final class ArrivalTime {

  /** The silver records' header: the raw record's timestamp, epoch millis, 8 bytes big-endian. */
  public static final String HEADER = "factory-arrival-time";

  private ArrivalTime() {}

  public static byte[] encode(long epochMillis) {
    return ByteBuffer.allocate(Long.BYTES).putLong(epochMillis).array();
  }

  /** The arrival time a record carries, or {@code Long.MIN_VALUE} if it carries none (or not 8 bytes). */
  public static long of(Headers headers) {
    Header h = headers == null ? null : headers.lastHeader(HEADER);
    return h == null || h.value() == null || h.value().length != Long.BYTES ? Long.MIN_VALUE : ByteBuffer.wrap(h.value()).getLong();
  }

  /**
   * Whether an event that happened at {@code eventTime} and arrived at {@code arrivalTime} came
   * more than {@code allowedLatenessMillis} late; an unknown arrival ({@code Long.MIN_VALUE}) is
   * never late by this rule.
   */
  public static boolean arrivedLate(long eventTime, long arrivalTime, long allowedLatenessMillis) {
    return arrivalTime != Long.MIN_VALUE && arrivalTime - eventTime > allowedLatenessMillis;
  }
}
