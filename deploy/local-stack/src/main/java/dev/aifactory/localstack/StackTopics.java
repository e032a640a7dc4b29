package dev.aifactory.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates the topics the factory's jobs read and write on a Kafka cluster, from a file of lines
 * {@code topic partitions [key=value ...]} ({@code deploy/local/topics.txt}): a job's source fails
 * on a topic that does not exist (auto-creation does not apply to its metadata requests), so the
 * stack creates them all when the broker starts. Idempotent.
 *
 * <pre>java ... dev.aifactory.localstack.StackTopics localhost:9092 deploy/local/topics.txt</pre>
 */
public final class StackTopics {

  /** One topic to create. */
  public record Topic(String name, int partitions, Map<String, String> config) {}

  private StackTopics() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: StackTopics <bootstrap servers> <topics file>");
      System.exit(2);
    }
    List<Topic> topics = read(Path.of(args[1]));
    // The port opens before the broker serves requests: retry for a while.
    for (int attempt = 1; ; attempt++) {
      try {
        create(args[0], topics);
        System.out.println("topics ready: " + topics.stream().map(Topic::name).toList());
        return;
      } catch (IllegalStateException e) {
        if (attempt == 20) {
          throw e;
        }
        Thread.sleep(1_000);
      }
    }
  }

  public static void create(String bootstrap, List<Topic> topics) {
    for (Topic t : topics) {
      LocalKafka.createTopics(bootstrap, t.partitions(), t.config(), t.name());
    }
  }

  public static List<Topic> read(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .map(line -> {
          String[] words = line.split("\\s+");
          Map<String, String> config = new LinkedHashMap<>();
          Arrays.stream(words).skip(2).forEach(kv -> config.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1)));
          return new Topic(words[0], Integer.parseInt(words[1]), config);
        })
        .toList();
  }
}
