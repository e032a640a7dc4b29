package dev.aifactory.launcher;

import dev.aifactory.scoring.ReviewCase;
import dev.aifactory.scoring.review.ReviewCases;
import dev.aifactory.scoring.review.ReviewDesk;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The review queue: REVIEW decisions of both tiers, and reviewers' verdicts (labels for training). */
@Command(name = "review", mixinStandardHelpOptions = true,
    description = "Payments the model sent to people: list the open cases, record a verdict.",
    subcommands = {ReviewCommand.ListCases.class, ReviewCommand.Verdict.class})
final class ReviewCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Where the queue is. */
  static final class Topics {
    @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--cases-topic", defaultValue = ReviewCases.DEFAULT_TOPIC, description = "Default: ${DEFAULT-VALUE}.")
    String cases;

    @Option(names = "--verdicts-topic", defaultValue = ReviewDesk.DEFAULT_VERDICTS_TOPIC, description = "Default: ${DEFAULT-VALUE}.")
    String verdicts;

    @Option(names = "--labels-topic", defaultValue = ReviewDesk.DEFAULT_LABELS_TOPIC,
        description = "Where verdicts go as labels, for the ingest job to land in silver.labels (default: ${DEFAULT-VALUE}).")
    String labels;

    ReviewDesk desk() {
      return new ReviewDesk(new ReviewDesk.Topics(bootstrap, new Properties(), new Properties(), cases, verdicts, labels));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The open cases, oldest first, one line each: case, tier, score, model, and the features that pushed"
          + " the score up most (contribution to the logit).")
  static final class ListCases implements Callable<Integer> {
    @Mixin
    Topics topics = new Topics();

    @Option(names = "--top", defaultValue = "3", description = "Contributions shown per case (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws Exception {
      List<ReviewCase> open = topics.desk().open();
      for (ReviewCase c : open) {
        System.out.println(format(c, top));
      }
      System.out.printf("%d open case%s%n", open.size(), open.size() == 1 ? "" : "s");
      return 0;
    }
  }

  static String format(ReviewCase c, int top) {
    String why = c.getFallbackReason() != null ? "fallback: " + c.getFallbackReason()
        : c.getContributions().entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
            .limit(top)
            .map(e -> String.format("%s=%s (%+.2f)", e.getKey(), value(c.getFeatures().get(e.getKey())), e.getValue()))
            .collect(Collectors.joining(", "));
    return String.format("%s  %s%s  score %s  %s v%s  opened %s  %s", c.getCaseId(), c.getTier(),
        c.getTenant() == null ? "" : "/" + c.getTenant(), c.getScore() == null ? "-" : String.format("%.3f", c.getScore()),
        c.getModelName(), c.getModelVersion() == null ? "-" : c.getModelVersion(), c.getOpenedAt(), why);
  }

  private static String value(Double v) {
    return v == null ? "missing" : String.format("%.4g", v);
  }

  static final class Outcome {
    @Option(names = "--fraud", description = "The payment was fraud.")
    boolean fraud;

    @Option(names = "--genuine", description = "The payment was genuine.")
    boolean genuine;
  }

  @Command(name = "verdict", mixinStandardHelpOptions = true,
      description = "Closes an open case with a verdict, and writes it as a label (source review) that training reads."
          + " Exits 1 if the case is unknown or already decided.")
  static final class Verdict implements Callable<Integer> {
    @Mixin
    Topics topics = new Topics();

    @Parameters(index = "0", description = "The case id (the payment's event id).")
    String caseId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Outcome outcome;

    @Option(names = "--reviewer", required = true, description = "Who decided.")
    String reviewer;

    @Option(names = "--note", description = "Why, for the record.")
    String note;

    @Override
    public Integer call() throws Exception {
      try {
        topics.desk().decide(caseId, outcome.fraud, reviewer, note);
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 1;
      }
      System.out.printf("case %s closed: %s, by %s; label written to %s%n", caseId, outcome.fraud ? "fraud" : "genuine",
          reviewer, topics.labels);
      return 0;
    }
  }
}
