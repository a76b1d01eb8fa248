package dev.gantry.codecs;

/** Every event-bus address Gantry uses. Nothing else in the code base spells an address. */
public final class Addresses {
  private Addresses() {}

  public static final String CATALOG_LIST = "gantry.catalog.list";
  public static final String CATALOG_GET = "gantry.catalog.get";
  public static final String INVENTORY_GET = "gantry.inventory.get";
  public static final String ORDERS_PLACE = "gantry.orders.place";
  public static final String ORDERS_GET = "gantry.orders.get";
  /** Local (per node) nudge telling the outbox relay that new rows are waiting. */
  public static final String OUTBOX_NUDGE = "gantry.orders.outbox.nudge";
}
