package dev.aifactory.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Writes a benchmark's JSON (results, parameters, versions, machine) and a bar chart beside it. */
public final class BenchmarkReport {

  private BenchmarkReport() {}

  static void write(Path dir, String name, int events, int parallelism, int rounds, int warmups, long duplicates,
      Map<String, List<Double>> seconds, Map<String, List<Double>> cpuSeconds) throws IOException {
    Map<String, Double> eventsPerSecond = new LinkedHashMap<>();
    seconds.forEach((variant, runs) -> eventsPerSecond.put(variant, events / median(runs)));
    double a = eventsPerSecond.get("ingest_job");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", name);
    json.put("measured_at", Instant.now().toString());
    json.put("events_per_second", eventsPerSecond);
    json.put("ratio_vs_sql_equivalent", round(a / eventsPerSecond.get("sql_equivalent")));
    json.put("ratio_vs_passthrough", round(a / eventsPerSecond.get("sql_passthrough")));
    json.put("seconds_per_round", seconds);
    // CPU time of the whole process during each round (broker included): less noisy than wall
    // time on a shared 2-core machine, and it shows the work each variant does.
    json.put("process_cpu_seconds_per_round", cpuSeconds);
    json.put("parameters", Map.of("events", events, "duplicates", duplicates, "parallelism", parallelism,
        "rounds", rounds, "warmup_rounds", warmups,
        "statistic", "median of the counted rounds; streaming job from submission until every expected row is committed (start-up included), checkpoints every 5 s",
        "topic", "bare Avro v3 bodies, " + parallelism + " partitions, in-process KRaft broker",
        "warehouse", "Iceberg Hadoop catalog on local disk"));
    save(dir, name, json, name + " throughput (events/s, higher is better)", eventsPerSecond);
  }

  /** Adds versions and machine to {@code json}, writes {@code <name>.json} and a bar chart {@code <name>.png}. */
  public static void save(Path dir, String name, Map<String, Object> json, String plotTitle, Map<String, Double> bars)
      throws IOException {
    save(dir, name, json, plotTitle, bars, false);
  }

  static void save(Path dir, String name, Map<String, Object> json, String plotTitle, Map<String, Double> bars, boolean logScale)
      throws IOException {
    Files.createDirectories(dir);
    json.put("versions", Map.of("flink", "2.1.1", "iceberg", "1.11.0", "kafka", "4.2.0",
        "java", System.getProperty("java.version")));
    json.put("machine", machine());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(name + ".json").toFile(), json);
    if (logScale) {
      plotLog(dir.resolve(name + ".png"), plotTitle, bars);
    } else {
      plot(dir.resolve(name + ".png"), plotTitle, bars);
    }
    System.out.println("wrote " + dir.resolve(name + ".json") + " and " + name + ".png");
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    try {
      String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
      m.put("cpu_model", model);
    } catch (IOException e) {
      m.put("cpu_model", "unknown");
    }
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    m.put("memory_gib", round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    return m;
  }

  /** A white, antialiased image with the title at the top, ready to draw a chart on. */
  private static Graphics2D canvas(BufferedImage image, String title) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, 20, 30);
    return g;
  }

  static void plot(Path file, String title, Map<String, Double> values) throws IOException {
    int width = 760;
    int height = 420;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image, title);
    double max = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
    int left = 70;
    int bottom = height - 60;
    int top = 60;
    int barWidth = (width - left - 40) / values.size() - 40;
    g.setStroke(new BasicStroke(1));
    g.drawLine(left, bottom, width - 20, bottom);
    g.drawLine(left, top, left, bottom);
    Color[] colors = {new Color(0x2E7D32), new Color(0x1565C0), new Color(0x9E9E9E)};
    int i = 0;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (Map.Entry<String, Double> e : values.entrySet()) {
      int x = left + 30 + i * (barWidth + 40);
      int h = (int) ((bottom - top) * e.getValue() / max);
      g.setColor(colors[i % colors.length]);
      g.fillRect(x, bottom - h, barWidth, h);
      g.setColor(Color.DARK_GRAY);
      g.drawString(label(e.getValue()), x + 5, bottom - h - 6);
      g.drawString(e.getKey(), x + 5, bottom + 20);
      i++;
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  /**
   * Horizontal bars on a log scale, for results that span orders of magnitude (per-record calls
   * next to batched ones); labels on the left, values at the bar ends.
   */
  static void plotLog(Path file, String title, Map<String, Double> values) throws IOException {
    int rowHeight = 34;
    int width = 900;
    int left = 200;
    int top = 60;
    int height = top + rowHeight * values.size() + 50;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image, title);
    double min = Math.floor(Math.log10(values.values().stream().mapToDouble(Double::doubleValue).min().orElse(1)));
    double max = Math.ceil(Math.log10(values.values().stream().mapToDouble(Double::doubleValue).max().orElse(10)));
    int plotWidth = width - left - 120;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (double decade = min; decade <= max; decade++) {
      int x = left + (int) (plotWidth * (decade - min) / Math.max(1, max - min));
      g.setColor(new Color(0xE0E0E0));
      g.drawLine(x, top - 5, x, height - 40);
      g.setColor(Color.GRAY);
      g.drawString(String.format("1e%d", (int) decade), x - 10, height - 22);
    }
    Color[] colors = {new Color(0x9E9E9E), new Color(0x1565C0), new Color(0x2E7D32)};
    int i = 0;
    for (Map.Entry<String, Double> e : values.entrySet()) {
      int y = top + i * rowHeight;
      int w = (int) (plotWidth * (Math.log10(e.getValue()) - min) / Math.max(1, max - min));
      String key = e.getKey();
      g.setColor(colors[key.startsWith("op") ? 2 : key.startsWith("raw") ? 1 : 0]);
      g.fillRect(left, y, Math.max(2, w), rowHeight - 10);
      g.setColor(Color.DARK_GRAY);
      g.drawString(key, 20, y + rowHeight / 2);
      g.drawString(label(e.getValue()), left + w + 6, y + rowHeight / 2);
      i++;
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  /**
   * The median round: a run's time is a whole number of 5 s checkpoints plus noise, so the best
   * round rewards whichever variant got lucky with the last checkpoint; the median does not.
   */
  /** A bar's value: whole numbers from 100 up, two decimals below (latencies in ms). */
  static String label(double v) {
    return Math.abs(v) >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }

  static double median(List<Double> runs) {
    List<Double> sorted = runs.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The process's CPU time so far (every thread, the in-process broker's too). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** {@code --key value} pairs. */
  static Map<String, String> args(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
