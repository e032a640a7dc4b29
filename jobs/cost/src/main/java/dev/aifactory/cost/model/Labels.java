package dev.aifactory.cost.model;

import java.util.Objects;

/** Who a cost belongs to. {@code workloadClass = unallocated} marks a resource nobody holds. */
public class Labels {
  public static final String UNALLOCATED = "unallocated";

  public String team;
  public String workloadClass;
  public String job;
  public String model;

  public Labels() {}

  public Labels(String team, String workloadClass, String job, String model) {
    this.team = team;
    this.workloadClass = workloadClass;
    this.job = job;
    this.model = model;
  }

  public boolean allocated() {
    return !UNALLOCATED.equals(workloadClass);
  }

  /** team/workload_class, the subject of budgets. */
  public String budgetSubject() {
    return team + "/" + workloadClass;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels l && Objects.equals(team, l.team) && Objects.equals(workloadClass, l.workloadClass)
        && Objects.equals(job, l.job) && Objects.equals(model, l.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(team, workloadClass, job, model);
  }

  @Override
  public String toString() {
    return team + "/" + workloadClass + "/" + job + "/" + model;
  }
}
