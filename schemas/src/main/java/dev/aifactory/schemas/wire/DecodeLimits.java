package dev.aifactory.schemas.wire;

import java.io.Serializable;
import java.lang.reflect.Method;
import org.apache.avro.SystemLimitException;

/**
 * How much one message may make a decoder read or allocate. A payload over
 * {@code maxPayloadBytes} is refused before decoding; inside a payload, no string, bytes field or
 * collection may declare more than that many bytes or items. Without such a cap a 15-byte message
 * declaring a string of 2 GB makes Avro allocate the whole array before it finds the bytes missing.
 *
 * <p>Avro keeps its limits in JVM-wide statics ({@code org.apache.avro.limits.*}); {@link #install()}
 * raises them to at least this cap and never lowers them below what another decoder in the same
 * JVM asked for, so no decoder rejects a payload that fits its own cap.
 *
 * @param maxPayloadBytes the largest message accepted, and so the largest string, bytes field or
 *     collection any message can legitimately hold
 */
public record DecodeLimits(int maxPayloadBytes) implements Serializable {

  /** 1 MiB: Kafka's default largest message, far above any event the factory's contracts describe. */
  public static final DecodeLimits DEFAULTS = new DecodeLimits(1 << 20);

  private static final Object LOCK = new Object();
  private static int installed;

  public DecodeLimits {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException("max payload bytes must be positive, got " + maxPayloadBytes);
    }
  }

  /** Makes Avro's length checks in this JVM (this class loader) at least as strict as needed here. */
  public DecodeLimits install() {
    synchronized (LOCK) {
      if (installed >= maxPayloadBytes) {
        return this;
      }
      String limit = Integer.toString(maxPayloadBytes);
      System.setProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, limit);
      System.setProperty(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, limit);
      System.setProperty(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, limit);
      reloadAvroLimits();
      installed = maxPayloadBytes;
      return this;
    }
  }

  /**
   * Whether Avro in this class loader refuses a declared length above the JVM's cap (the largest
   * any decoder installed, this one's or more): what one message can make it allocate is bounded.
   */
  public boolean enforcedByAvro() {
    long jvmCap;
    synchronized (LOCK) {
      jvmCap = Math.max(installed, maxPayloadBytes);
    }
    try {
      SystemLimitException.checkMaxStringLength(jvmCap + 1L);
      return false;
    } catch (SystemLimitException expected) {
      return true;
    }
  }

  /**
   * Avro reads the properties once, when {@link SystemLimitException} is first loaded, which in a
   * task manager may be before this job runs; its package-private {@code resetLimits} reads them
   * again. If that ever goes away, {@link #enforcedByAvro()} says so and the job refuses to start.
   */
  private static void reloadAvroLimits() {
    try {
      Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
      reset.setAccessible(true);
      reset.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Checked by the caller through enforcedByAvro().
    }
  }
}
