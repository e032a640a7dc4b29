package dev.aifactory.features.online;

import dev.aifactory.features.definition.FeatureView;

/**
 * Where one entity's vector of one view version lives. The version is part of the key, so two
 * versions of a view are served side by side while a model moves from one to the other.
 */
public record OnlineKey(String view, int version, String entity) {

  public static OnlineKey of(FeatureView view, String entity) {
    return new OnlineKey(view.name(), view.version(), entity);
  }

  /** The Redis key: {@code features:<view>:v<version>:<entity>}. */
  public String redisKey() {
    return "features:" + view + ":v" + version + ":" + entity;
  }
}
