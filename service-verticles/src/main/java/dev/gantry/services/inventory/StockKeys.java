package dev.gantry.services.inventory;

/** Redis key layout of the inventory. */
final class StockKeys {
  private StockKeys() {}

  static String stock(long productId) {
    return "gantry:stock:" + productId;
  }
}
