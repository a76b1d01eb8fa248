package dev.gantry.codecs.orders;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/**
 * Moves an order along its lifecycle: {@code PLACED} to {@code PAID} or {@code CANCELLED}. Asking
 * for the state an order is already in succeeds again (a retry is harmless); a paid order cannot
 * be cancelled, nor a cancelled one paid.
 */
public record ChangeOrder(String id, Action action) implements WireRecord {
  public enum Action {
    PAY("PAID"), CANCEL("CANCELLED");

    private final String status;

    Action(String status) {
      this.status = status;
    }

    /** The status an order has after this action. */
    public String status() {
      return status;
    }
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("action", action.name().toLowerCase(java.util.Locale.ROOT));
  }

  public static ChangeOrder fromJson(JsonObject json) {
    String action = JsonFields.requireString(json, "action", "action");
    return switch (action) {
      case "pay" -> new ChangeOrder(JsonFields.requireString(json, "id", "id"), Action.PAY);
      case "cancel" -> new ChangeOrder(JsonFields.requireString(json, "id", "id"), Action.CANCEL);
      default -> throw new ServiceException(Failure.BAD_REQUEST, "action: must be pay or cancel, got " + action);
    };
  }
}
