package dev.aifactory.serving.lookup;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineKey;
import dev.aifactory.features.online.OnlineStore;
import dev.aifactory.features.online.StoredVector;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * One entity's online vector of one view version. Callers name a card by its raw id (a checkout
 * has nothing else) or by its token; a raw id is tokenized here with the keyring ingest uses,
 * under the active key first and then under retired ones, since a card keeps its old token's
 * history until it pays again after a rotation. The raw id is never stored or logged.
 */
public final class FeatureLookup {

  /** A vector found, with the token it is stored under. */
  public record Found(OnlineKey key, OnlineCodec.Vector vector) {}

  private final OnlineStore store;
  private final FeatureView view;
  private final ThreadLocal<Tokenizer> tokenizers;
  private final ThreadLocal<OnlineCodec> codecs;

  public FeatureLookup(OnlineStore store, FeatureView view, Keyring keyring) {
    this.store = store;
    this.view = view;
    this.tokenizers = ThreadLocal.withInitial(() -> new Tokenizer(keyring));
    this.codecs = ThreadLocal.withInitial(() -> new OnlineCodec(view));
  }

  public FeatureView view() {
    return view;
  }

  /** The token a new payment of {@code rawId} gets (the active key's). */
  public String token(String rawId) {
    return Tokenizer.isToken(rawId) ? rawId : tokenizers.get().token(rawId);
  }

  /** The newest vector of {@code entity} (a raw id or a token), if the store holds one. */
  public Optional<Found> lookup(String entity) throws StoreUnavailable {
    if (!store.complete()) {
      throw new StoreUnavailable("the online store is still loading the online topic");
    }
    List<String> tokens = Tokenizer.isToken(entity) ? List.of(entity) : tokenizers.get().candidates(entity);
    for (String token : tokens) {
      OnlineKey key = OnlineKey.of(view, token);
      Optional<StoredVector> stored;
      try {
        stored = store.read(key);
      } catch (RuntimeException e) {
        throw new StoreUnavailable(e);
      }
      if (stored.isPresent()) {
        try {
          return Optional.of(new Found(key, codecs.get().decode(stored.get().avro())));
        } catch (IOException e) {
          throw new UncheckedIOException("the online store holds an unreadable vector under " + key.asString(), e);
        }
      }
    }
    return Optional.empty();
  }

  public boolean ready() {
    try {
      return store.ready();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
