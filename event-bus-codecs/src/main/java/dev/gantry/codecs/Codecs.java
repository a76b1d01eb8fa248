package dev.gantry.codecs;

import dev.gantry.codecs.catalog.GetProduct;
import dev.gantry.codecs.catalog.ListProducts;
import dev.gantry.codecs.catalog.Product;
import dev.gantry.codecs.catalog.ProductPage;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.codecs.inventory.GetStock;
import dev.gantry.codecs.inventory.StockLevel;
import dev.gantry.codecs.orders.ChangeOrder;
import dev.gantry.codecs.orders.GetOrder;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.PlaceOrder;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Registers the codec of every message record; every node calls {@link #register} once. */
public final class Codecs {
  private Codecs() {}

  public static final List<WireRecordCodec<?>> ALL = List.of(
      new WireRecordCodec<>(ListProducts.class, ListProducts::fromJson),
      new WireRecordCodec<>(GetProduct.class, GetProduct::fromJson),
      new WireRecordCodec<>(Product.class, Product::fromJson),
      new WireRecordCodec<>(ProductPage.class, ProductPage::fromJson),
      new WireRecordCodec<>(GetStock.class, GetStock::fromJson),
      new WireRecordCodec<>(StockLevel.class, StockLevel::fromJson),
      new WireRecordCodec<>(PlaceOrder.class, PlaceOrder::fromJson),
      new WireRecordCodec<>(GetOrder.class, GetOrder::fromJson),
      new WireRecordCodec<>(ChangeOrder.class, ChangeOrder::fromJson),
      new WireRecordCodec<>(Order.class, Order::fromJson),
      new WireRecordCodec<>(HttpCall.class, HttpCall::fromJson),
      new WireRecordCodec<>(HttpReply.class, HttpReply::fromJson));

  public static void register(EventBus bus) {
    ALL.forEach(codec -> registerOne(bus, codec));
  }

  private static <T extends WireRecord> void registerOne(EventBus bus, WireRecordCodec<T> codec) {
    bus.unregisterDefaultCodec(codec.type());
    bus.registerDefaultCodec(codec.type(), codec);
  }
}
