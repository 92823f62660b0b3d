from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons
from orders.calculations import format_money
from orders.models import OrderStatus
from orders.selectors import order_get

from ..state_router import register
from .base import DECLINE, State, StateResult, TurnContext
from .common import join_lines, menu_button, status_label


@register
class OrderStatusState(State):
    """The status of one of the customer's orders, by number (`ord:<number>`, or typed
    after `ord` asks for it). Other people's orders are never shown."""

    name = "order_status"
    prefixes = ("ord",)
    intents = ("order_status",)
    accepts_text = True

    def take_text(self, ctx: TurnContext) -> StateResult:
        """The order number asked for; anything else is a new request."""
        slots = ctx.understanding.slots if ctx.understanding else {}
        number = slots.get("order_number") or slots.get("order_ref")
        if not number or not ctx.data.pop("awaiting_order_number", None):
            return DECLINE
        ctx.payload = number
        return self.handle(ctx)

    def handle(self, ctx: TurnContext) -> StateResult:
        number = ctx.payload
        if not number:
            if not ctx.event.is_reply:
                # "where is my order?": the customer's orders, each opening its status.
                return StateResult(then="my_orders")
            ctx.data["awaiting_order_number"] = True
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Please type your order number (for example %(example)s).")
                        % {"example": f"{settings.ORDER_NUMBER_PREFIX}-20260101-0001"},
                        buttons=(Button(id="orders", title=_("My orders")), menu_button()),
                    )
                ],
                next_state=self.name,
            )
        ctx.data.pop("awaiting_order_number", None)
        order = order_get(order_number=number, customer=ctx.customer)
        if order is None:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("I could not find an order %(number)s on your account.")
                        % {"number": number},
                        buttons=(Button(id="orders", title=_("My orders")), menu_button()),
                    )
                ],
                next_state="assistant",
            )
        lang = ctx.language
        lines = [
            f"{item.quantity} × {(item.name_ar or item.name_en) if lang == 'ar' else item.name_en}"
            for item in order.items.all()
        ]
        body = join_lines(
            [
                _("Order %(number)s") % {"number": order.order_number},
                _("Status: %(status)s") % {"status": status_label(order.status)},
                "\n".join(lines),
                _("Total: %(amount)s") % {"amount": format_money(order.total, order.currency)},
                _("Deliver to: %(name)s, %(address)s")
                % {"name": order.contact_name, "address": order.address},
            ]
        )
        buttons = [Button(id=f"reord:{order.order_number}", title=_("Order again"))]
        if order.can_move_to(OrderStatus.CANCELLED):
            buttons.append(Button(id=f"ocan:{order.order_number}", title=_("Cancel order")))
        buttons.append(menu_button())
        return StateResult(
            messages=[ReplyButtons(body=body, buttons=tuple(buttons))], next_state="assistant"
        )
