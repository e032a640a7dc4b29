package dev.aifactory.schemas.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

  @Test
  void aTokenOfThisKeyringIsRecognizedAndARawValueOrAnotherKeysTokenIsNot(@TempDir Path dir) {
    Tokenizer tokens = new Tokenizer(Keyring.create(dir.resolve("keyring")));
    String token = tokens.token("4111111111111111");
    assertThat(tokens.issuedByThisKeyring(token)).isTrue();
    assertThat(tokens.issuedByThisKeyring("4111111111111111")).isFalse();
    assertThat(tokens.issuedByThisKeyring("t.nokey." + token.substring(token.lastIndexOf('.') + 1))).isFalse();
    assertThat(tokens.issuedByThisKeyring(token + "x")).as("not a token's length").isFalse();
  }

  @Test
  void theSameValueGivesTheSameTokenInEveryProcessThatReadsTheKeyring(@TempDir Path dir) {
    Path file = dir.resolve("tokens.keyring");
    Keyring.create(file);
    // Two jobs (ingest, the serving API, erasure) each load the file on their own.
    Tokenizer ingest = new Tokenizer(Keyring.load(file));
    Tokenizer serving = new Tokenizer(Keyring.load(file));
    assertThat(ingest.token("card-000042")).isEqualTo(serving.token("card-000042"))
        .startsWith("t.k1.").doesNotContain("000042");
    assertThat(ingest.token("card-000042")).isNotEqualTo(ingest.token("card-000043"));
    assertThat(Tokenizer.keyIdOf(ingest.token("x"))).isEqualTo("k1");
  }

  @Test
  void anotherKeyGivesUnrelatedTokensSoEnumerationWithoutTheKeyFails(@TempDir Path dir) throws Exception {
    Tokenizer a = new Tokenizer(Keyring.create(dir.resolve("a")));
    Tokenizer b = new Tokenizer(Keyring.create(dir.resolve("b")));
    assertThat(a.token("card-000042")).isNotEqualTo(b.token("card-000042"));
    // The unsalted SHA-256 the views used before: whoever enumerates card-%06d finds it. Not so the token.
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("card-000042".getBytes()));
    assertThat(a.token("card-000042")).doesNotContain(sha.substring(0, 16));
  }

  @Test
  void rotationTokenizesNewDataWithTheNewKeyAndStillFindsOldTokens(@TempDir Path dir) {
    Path file = dir.resolve("tokens.keyring");
    String before = new Tokenizer(Keyring.create(file)).token("card-7");
    Keyring rotated = Keyring.rotate(file);
    assertThat(rotated.activeId()).isEqualTo("k2");
    Tokenizer after = new Tokenizer(Keyring.load(file));
    assertThat(after.token("card-7")).startsWith("t.k2.").isNotEqualTo(before);
    // Erasure and lookups by raw value find the data written before the rotation too.
    assertThat(after.candidates("card-7")).containsExactly(after.token("card-7"), before);
    assertThat(Tokenizer.keyIdOf(before)).isEqualTo("k1");
  }

  @Test
  void theKeyringIsPrivateAndNeverReplacedByAccident(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys").resolve("tokens.keyring");
    Keyring.create(file);
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String first = Files.readString(file);
    assertThatThrownBy(() -> Keyring.create(file)).hasMessageContaining("already exists");
    assertThat(Keyring.loadOrCreate(file).activeId()).isEqualTo("k1");
    assertThat(Files.readString(file)).isEqualTo(first);
  }

  @Test
  void aBrokenKeyringFailsWithTheReason(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> Keyring.load(dir.resolve("missing"))).hasMessageContaining("missing or unreadable");
    Path shortKey = Files.writeString(dir.resolve("short"), "active=k1\nk1=AAAA\n");
    assertThatThrownBy(() -> Keyring.load(shortKey)).hasMessageContaining("at least 32");
    Path noActive = Files.writeString(dir.resolve("noactive"), "k1=" + "A".repeat(44) + "\n");
    assertThatThrownBy(() -> Keyring.load(noActive)).hasMessageContaining("'active' must name");
  }
}
