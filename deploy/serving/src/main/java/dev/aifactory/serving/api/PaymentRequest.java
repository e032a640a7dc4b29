package dev.aifactory.serving.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A payment to score, as {@code POST /v1/score} takes it: the fields of {@code raw.transactions}
 * the decision needs. Validation names the first failing field; the card id is kept only as
 * long as the request (it is tokenized before anything is stored or logged).
 *
 * @param eventTime the payment's time in epoch millis; the time of arrival when not given
 */
public record PaymentRequest(String eventId, String cardId, double amount, String currency, String merchantId, long eventTime) {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** How far ahead of the server's clock a payment's time may be (clock skew). */
  private static final long MAX_FUTURE_MS = 5 * 60_000;

  public static PaymentRequest parse(byte[] body, long nowMillis) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiError(400, null, "the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiError(400, null, "the body could not be read");
    }
    if (json == null || !json.isObject()) {
      throw new ApiError(400, null, "the body must be a JSON object");
    }
    String eventId = text(json, "event_id", true, 128);
    String cardId = text(json, "card_id", true, 64);
    JsonNode amount = json.get("amount");
    if (amount == null || !amount.isNumber() || !Double.isFinite(amount.doubleValue()) || amount.doubleValue() < 0) {
      throw ApiError.badField("amount", "must be a finite number >= 0");
    }
    String currency = text(json, "currency", true, 3);
    if (!currency.matches("[A-Z]{3}")) {
      throw ApiError.badField("currency", "must be an ISO 4217 code such as EUR");
    }
    String merchant = text(json, "merchant_id", false, 64);
    long eventTime = eventTime(json.get("event_time"), nowMillis);
    return new PaymentRequest(eventId, cardId, amount.doubleValue(), currency, merchant, eventTime);
  }

  private static String text(JsonNode json, String field, boolean required, int maxLength) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw ApiError.badField(field, "is required");
      }
      return null;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw ApiError.badField(field, "must be a non-empty string");
    }
    if (node.asText().length() > maxLength) {
      throw ApiError.badField(field, "is longer than " + maxLength + " characters");
    }
    return node.asText();
  }

  private static long eventTime(JsonNode node, long now) {
    if (node == null || node.isNull()) {
      return now;
    }
    long t;
    if (node.isIntegralNumber()) {
      t = node.asLong();
    } else if (node.isTextual()) {
      try {
        t = Instant.parse(node.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw ApiError.badField("event_time", "must be epoch milliseconds or an ISO-8601 instant");
      }
    } else {
      throw ApiError.badField("event_time", "must be epoch milliseconds or an ISO-8601 instant");
    }
    if (t <= 0 || t > now + MAX_FUTURE_MS) {
      throw ApiError.badField("event_time", "must be after 1970 and at most 5 minutes ahead of the server's clock");
    }
    return t;
  }
}
