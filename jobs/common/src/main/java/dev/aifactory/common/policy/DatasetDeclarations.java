package dev.aifactory.common.policy;

import dev.aifactory.common.YamlDefinitions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code governance/datasets.yaml}: owner, zone, retention and subject columns per table pattern. */
public final class DatasetDeclarations {

  /** One entry; {@code tables} is a glob over {@code namespace.table}. */
  public static final class Declaration {
    public String tables;
    public String zone;
    public String owner;
    public String retention;
    public String entity;
    public String note;
    public Map<String, List<String>> classes = Map.of();

    boolean matches(String table) {
      return Pattern.matches(Pattern.quote(tables).replace("*", "\\E.*\\Q"), table);
    }
  }

  static final class File {
    public List<Declaration> datasets;
  }

  private final List<Declaration> declarations;

  private DatasetDeclarations(List<Declaration> declarations) {
    this.declarations = declarations;
  }

  public static DatasetDeclarations bundled() {
    return new DatasetDeclarations(YamlDefinitions.read("datasets", "governance", "dataset declarations", File.class).datasets);
  }

  public Optional<Declaration> of(String table) {
    return declarations.stream().filter(d -> d.matches(table)).findFirst();
  }
}
