package dev.annals.examples.bank.order;

import dev.annals.cqrs.Decider;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.Rejection;
import dev.annals.examples.bank.order.OrderCommand.Cancel;
import dev.annals.examples.bank.order.OrderCommand.ConfirmDelivery;
import dev.annals.examples.bank.order.OrderCommand.DeclinePayment;
import dev.annals.examples.bank.order.OrderCommand.Place;
import dev.annals.examples.bank.order.OrderCommand.RecordPayment;
import dev.annals.examples.bank.order.OrderCommand.RecordRefund;
import dev.annals.examples.bank.order.OrderCommand.Ship;
import dev.annals.examples.bank.order.OrderEvent.DeliveryConfirmed;
import dev.annals.examples.bank.order.OrderEvent.ItemShipped;
import dev.annals.examples.bank.order.OrderEvent.OrderCancelled;
import dev.annals.examples.bank.order.OrderEvent.OrderPlaced;
import dev.annals.examples.bank.order.OrderEvent.OrderRefunded;
import dev.annals.examples.bank.order.OrderEvent.PaymentCharged;
import dev.annals.examples.bank.order.OrderEvent.PaymentDeclined;
import dev.annals.examples.bank.order.OrderState.Cancelled;
import dev.annals.examples.bank.order.OrderState.Declined;
import dev.annals.examples.bank.order.OrderState.Delivered;
import dev.annals.examples.bank.order.OrderState.NotPlaced;
import dev.annals.examples.bank.order.OrderState.Order;
import dev.annals.examples.bank.order.OrderState.Paid;
import dev.annals.examples.bank.order.OrderState.Placed;
import dev.annals.examples.bank.order.OrderState.Refunded;
import dev.annals.examples.bank.order.OrderState.Shipped;
import java.util.List;

/**
 * The order lifecycle (pure): placed, then paid or declined; a paid order is shipped and delivered,
 * or cancelled before shipping and refunded; a delivered order may be returned and refunded.
 * Repeating the command that led to the current status returns no events.
 */
public final class OrderDecider {

  private OrderDecider() {}

  public static final String CATEGORY = "order";

  public static String stream(String orderId) {
    return CATEGORY + "-" + orderId;
  }

  /** The reference under which an order's payment is debited from its account. */
  public static String paymentReference(String orderId) {
    return stream(orderId);
  }

  /** This decider for annals-cqrs. */
  public static Decider<OrderCommand, OrderState, OrderEvent> decider() {
    return Decider.of(OrderDecider::decide, OrderDecider::evolve, initialState());
  }

  public static OrderState initialState() {
    return new NotPlaced();
  }

  public static List<OrderEvent> decide(OrderCommand command, OrderState state) {
    if (command instanceof Place p) {
      if (p.amount() <= 0) {
        throw new RejectedException(new Rejection.InvalidAmount(p.amount()));
      }
      return switch (state) {
        case NotPlaced n -> List.of(new OrderPlaced(p.orderId(), p.accountId(), p.item(), p.amount()));
        default -> throw refuse(state, "place it again");
      };
    }
    if (state instanceof NotPlaced) {
      throw new RejectedException(new Rejection.OrderNotPlaced());
    }
    return switch (command) {
      case Place p -> throw new IllegalStateException("handled above");
      case RecordPayment r -> switch (state) {
        case Placed p -> List.of(new PaymentCharged(p.order().accountId(), p.order().amount()));
        case Paid p -> List.of();
        default -> throw refuse(state, "record a payment");
      };
      case DeclinePayment d -> switch (state) {
        case Placed p -> List.of(new PaymentDeclined(d.reason()));
        case Declined x -> List.of();
        default -> throw refuse(state, "decline the payment");
      };
      case Ship s -> switch (state) {
        case Paid p -> List.of(new ItemShipped(s.trackingNumber()));
        case Shipped x when x.trackingNumber().equals(s.trackingNumber()) -> List.of();
        default -> throw refuse(state, "ship");
      };
      case ConfirmDelivery c -> switch (state) {
        case Shipped x -> List.of(new DeliveryConfirmed());
        case Delivered x -> List.of();
        default -> throw refuse(state, "confirm delivery");
      };
      case Cancel c -> switch (state) {
        case Placed p -> List.of(new OrderCancelled(c.reason()));
        case Paid p -> List.of(new OrderCancelled(c.reason()));
        case Cancelled x -> List.of();
        default -> throw refuse(state, "cancel");
      };
      case RecordRefund r -> switch (state) {
        case Cancelled x when x.refundDue() -> List.of(new OrderRefunded(x.order().accountId(), x.order().amount()));
        case Delivered x -> List.of(new OrderRefunded(x.order().accountId(), x.order().amount()));
        case Refunded x -> List.of();
        default -> throw refuse(state, "refund");
      };
    };
  }

  public static OrderState evolve(OrderState state, OrderEvent event) {
    if (event instanceof OrderPlaced p) {
      return new Placed(new Order(p.orderId(), p.accountId(), p.item(), p.amount()));
    }
    if (state instanceof NotPlaced) {
      return state; // only a reordered temporal view can show this
    }
    Order o = order(state);
    return switch (event) {
      case OrderPlaced p -> throw new IllegalStateException("handled above");
      case PaymentCharged c -> new Paid(o);
      case PaymentDeclined d -> new Declined(o, d.reason());
      case ItemShipped s -> new Shipped(o, s.trackingNumber());
      case DeliveryConfirmed d -> new Delivered(o);
      case OrderCancelled c -> new Cancelled(o, state instanceof Paid);
      case OrderRefunded r -> new Refunded(o);
    };
  }

  public static OrderState fold(Iterable<OrderEvent> events) {
    OrderState s = initialState();
    for (OrderEvent e : events) {
      s = evolve(s, e);
    }
    return s;
  }

  /** What was ordered; the state must be placed. */
  public static Order order(OrderState state) {
    return switch (state) {
      case NotPlaced n -> throw new IllegalArgumentException("the order is not placed");
      case Placed p -> p.order();
      case Paid p -> p.order();
      case Shipped s -> s.order();
      case Delivered d -> d.order();
      case Declined d -> d.order();
      case Cancelled c -> c.order();
      case Refunded r -> r.order();
    };
  }

  private static RejectedException refuse(OrderState state, String attempted) {
    String id = state instanceof NotPlaced ? "?" : order(state).orderId();
    return new RejectedException(new Rejection.OrderTransitionRejected(id, state.status(), attempted));
  }
}
