package dev.aifactory.common.policy;

import dev.aifactory.common.JobConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check a job makes in {@code main}, before anything is built or submitted: may the role it
 * runs as ({@code governance.role}, else the job's own name) read each zone it reads, with the
 * data classes found there? A denial stops the start with the rule's name.
 */
public final class JobRole {

  public static final String OPTION = "governance.role";
  private static final Logger LOG = LoggerFactory.getLogger(JobRole.class);

  private JobRole() {}

  /** @param reads zone to the data classes the job reads there */
  public static List<Decision> requireReads(JobConfig config, String defaultRole, Map<String, ? extends Collection<String>> reads) {
    Policy policy = Policy.from(config);
    String role = config.get(OPTION, defaultRole);
    List<Decision> decisions = new ArrayList<>();
    reads.forEach((zone, classes) -> decisions.addAll(policy.requireRead(role, zone, classes)));
    LOG.info("role {} may read {} (policy v{})", role, reads.keySet(), policy.version());
    return decisions;
  }
}
