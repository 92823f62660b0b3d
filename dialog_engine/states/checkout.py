from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from conversation_log.models import ShopEventKind
from conversation_log.services import shop_event_record
from intent_classifier.types import IntentName
from inventory.exceptions import OutOfStock
from inventory.selectors import product_get
from message_bus.dto import (
    Button,
    CtaUrl,
    ListMessage,
    LocationRequest,
    ReplyButtons,
    Row,
    Section,
    Text,
)
from orders.calculations import format_money
from orders.exceptions import EmptyCart, OptionUnavailable
from orders.models import Order, ShippingOption
from orders.selectors import cart_items, cart_totals, order_get, shipping_option_list
from orders.services import Address, order_place
from payments.exceptions import PaymentNotPayable
from payments.models import PaymentKind, PaymentOption
from payments.providers import PaymentProviderError
from payments.selectors import payment_for_order, payment_option_list
from payments.services import payment_checkout_link

from ..state_router import register
from .base import DECLINE, State, StateResult, TurnContext
from .common import cart_summary

NAME_MIN, NAME_MAX = 2, 120
# Requests that are never a delivery name or address.
_NOT_AN_ANSWER = frozenset(
    {
        IntentName.FAQ,
        IntentName.HUMAN,
        IntentName.SHOW_CART,
        IntentName.MY_ORDERS,
        IntentName.ORDER_STATUS,
        IntentName.CANCEL_ORDER,
        IntentName.HELP,
        IntentName.COMPARE,
        IntentName.FEEDBACK,
    }
)
ADDRESS_MIN = 8


def _menu_button() -> Button:
    return Button(id="menu", title=_("Main menu"))


@register
class CheckoutState(State):
    """Checkout as one small pipeline kept in the chat context under `checkout`:
    name → address (text or location pin) → shipping → payment → summary → confirm.
    Confirm is idempotent: the order is placed with a key made when checkout started."""

    name = "checkout"
    prefixes = ("checkout",)
    intents = ("checkout",)
    accepts_text = True
    accepts_location = True

    def take_text(self, ctx: TurnContext) -> StateResult:
        """The name or address asked for. A question or a request typed mid-step ("how
        long does delivery take?", "talk to a person") is not an answer: it is declined,
        answered by its own state, and the step goes on afterwards."""
        flow = ctx.data.get("checkout") or {}
        u = ctx.understanding
        if not flow.get("key") or u is None:
            return DECLINE
        if u.question or "order_number" in u.slots:
            return DECLINE
        if u.confident and u.intent in _NOT_AN_ANSWER:
            return DECLINE
        ctx.payload = "answer"
        return self.handle(ctx)

    def handle(self, ctx: TurnContext) -> StateResult:
        flow = ctx.data.setdefault("checkout", {})
        action, _sep, value = ctx.payload.partition(":")
        if action == "paylink":
            # "New payment link" of an order placed earlier (its link lapsed or failed).
            return self._payment_link_again(ctx, value)
        if action == "confirm" and not flow.get("key") and ctx.data.get("last_order"):
            # A second tap on Confirm: the order exists already, never place another.
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Your order %(number)s is already placed.")
                        % {"number": ctx.data["last_order"]},
                        buttons=(_menu_button(),),
                    )
                ],
                next_state="assistant",
            )
        if action == "start" or not flow.get("key"):
            if not cart_items(customer=ctx.customer):
                return StateResult(
                    messages=[
                        ReplyButtons(body=_("Your cart is empty."), buttons=(_menu_button(),))
                    ],
                    next_state="assistant",
                )
            flow.clear()
            flow.update(key=uuid.uuid4().hex, step="name")
            shop_event_record(kind=ShopEventKind.CHECKOUT_STARTED, customer_id=ctx.customer.pk)
            return self._ask_name()
        if action == "cancel":
            ctx.data.pop("checkout", None)
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Checkout cancelled. Your cart is kept."), buttons=(_menu_button(),)
                    )
                ],
                next_state="assistant",
            )
        if action == "ship":
            return self._shipping_chosen(ctx, flow, value)
        if action == "pay":
            return self._payment_chosen(ctx, flow, value)
        if action == "confirm":
            return self._confirm(ctx, flow)
        step = flow.get("step")
        # Typed text (through take_text) or a shared pin answers the step; "checkout"
        # typed again mid-flow only asks the step's question again.
        answering = action == "answer" or ctx.event.kind == "location"
        if step == "name":
            return self._name_given(ctx, flow) if answering else self._ask_name()
        if step == "address":
            if answering:
                return self._address_given(ctx, flow)
            return StateResult(
                messages=[
                    LocationRequest(
                        body=_("Please type the full delivery address or share a location pin.")
                    )
                ],
                next_state=self.name,
            )
        if step == "shipping":
            return self._ask_shipping(ctx)
        if step == "payment":
            return self._ask_payment(ctx)
        return self._summary(ctx, flow)

    # --- steps ----------------------------------------------------------------------------
    def _ask_name(self) -> StateResult:
        return StateResult(
            messages=[Text(body=_("Let's check out. What is the full name for the delivery?"))],
            next_state=self.name,
        )

    def _name_given(self, ctx: TurnContext, flow: dict) -> StateResult:
        name = " ".join(ctx.text.split())
        if not NAME_MIN <= len(name) <= NAME_MAX:
            return StateResult(
                messages=[Text(body=_("Please type the full name for the delivery."))]
            )
        flow.update(name=name, step="address")
        return StateResult(
            messages=[
                LocationRequest(
                    body=_(
                        "Thanks, %(name)s. Where should we deliver? "
                        "Type the address or share a location pin."
                    )
                    % {"name": name}
                )
            ]
        )

    def _address_given(self, ctx: TurnContext, flow: dict) -> StateResult:
        location = ctx.event.location
        if location is not None:
            label = ", ".join(part for part in (location.name, location.address) if part)
            flow.update(
                address=label or f"{location.latitude}, {location.longitude}",
                latitude=str(location.latitude),
                longitude=str(location.longitude),
            )
        elif len(ctx.text) >= ADDRESS_MIN:
            flow.update(address=ctx.text[:500], latitude=None, longitude=None)
        else:
            return StateResult(
                messages=[
                    LocationRequest(
                        body=_("Please type the full delivery address or share a location pin.")
                    )
                ]
            )
        flow["step"] = "shipping"
        return self._ask_shipping(ctx)

    def _ask_shipping(self, ctx: TurnContext) -> StateResult:
        subtotal = cart_totals(customer=ctx.customer).subtotal
        rows = []
        for option in shipping_option_list()[:10]:
            free = option.free_over is not None and subtotal >= option.free_over
            price = _("Free") if free else format_money(option.price, option.currency)
            rows.append(
                Row(
                    id=f"checkout:ship:{option.code}",
                    title=option.name(ctx.language),
                    description=_("%(price)s, %(min)s-%(max)s days")
                    % {"price": price, "min": option.eta_days_min, "max": option.eta_days_max},
                )
            )
        return StateResult(
            messages=[
                ListMessage(
                    body=_("How would you like to receive your order?"),
                    button=_("Delivery options"),
                    sections=(Section(title=_("Delivery"), rows=tuple(rows)),),
                )
            ],
            next_state=self.name,
        )

    def _shipping_chosen(self, ctx: TurnContext, flow: dict, code: str) -> StateResult:
        if not flow.get("address") or not shipping_option_list().filter(code=code).exists():
            return self._ask_shipping(ctx) if flow.get("address") else self._ask_name()
        flow.update(shipping=code, step="payment")
        return self._ask_payment(ctx)

    def _ask_payment(self, ctx: TurnContext) -> StateResult:
        rows = tuple(
            Row(id=f"checkout:pay:{option.code}", title=option.name(ctx.language))
            for option in payment_option_list()[:10]
        )
        return StateResult(
            messages=[
                ListMessage(
                    body=_("How would you like to pay?"),
                    button=_("Payment options"),
                    sections=(Section(title=_("Payment"), rows=rows),),
                )
            ],
            next_state=self.name,
        )

    def _payment_chosen(self, ctx: TurnContext, flow: dict, code: str) -> StateResult:
        if not flow.get("shipping") or not payment_option_list().filter(code=code).exists():
            return self._ask_payment(ctx)
        flow.update(payment=code, step="summary")
        return self._summary(ctx, flow)

    def _summary(self, ctx: TurnContext, flow: dict) -> StateResult:
        shipping = ShippingOption.objects.filter(code=flow.get("shipping"), active=True).first()
        payment = PaymentOption.objects.filter(code=flow.get("payment"), active=True).first()
        if shipping is None:
            flow["step"] = "shipping"
            return self._ask_shipping(ctx)
        if payment is None:
            flow["step"] = "payment"
            return self._ask_payment(ctx)
        totals = cart_totals(customer=ctx.customer, shipping_option=shipping)
        body = "\n".join(
            [
                cart_summary(ctx),
                _("Delivery: %(amount)s (%(option)s)")
                % {
                    "amount": format_money(totals.shipping, totals.currency),
                    "option": shipping.name(ctx.language),
                },
                _("Total: %(amount)s") % {"amount": format_money(totals.total, totals.currency)},
                _("Deliver to: %(name)s, %(address)s")
                % {"name": flow["name"], "address": flow["address"]},
                _("Payment: %(option)s") % {"option": payment.name(ctx.language)},
            ]
        )
        return StateResult(
            messages=[
                ReplyButtons(
                    header_text=_("Order summary"),
                    body=body,
                    buttons=(
                        Button(id="checkout:confirm", title=_("Confirm order")),
                        Button(id="cart:view", title=_("Edit cart")),
                        Button(id="checkout:cancel", title=_("Cancel")),
                    ),
                )
            ],
            next_state=self.name,
        )

    @staticmethod
    def _product_name(sku: str, fallback: str, language: str) -> str:
        """The shortfall carries the English name; the customer reads their language."""
        product = product_get(sku=sku, active_only=False)
        return product.name(language) if product else fallback

    @staticmethod
    def _shortfall_options(shortfall) -> tuple[Button, ...]:
        """Reduce the line to what is left (when something is), remove it, or see
        alternatives in stock."""
        reduce = (
            (
                Button(
                    id=f"qty:{shortfall.sku}:{shortfall.available}",
                    title=_("Reduce to %(count)s") % {"count": shortfall.available},
                ),
            )
            if shortfall.available > 0
            else ()
        )
        return (
            *reduce,
            Button(id=f"rm:{shortfall.sku}", title=_("Remove")),
            Button(id=f"oos:{shortfall.sku}", title=_("Alternatives")),
        )

    def _confirm(self, ctx: TurnContext, flow: dict) -> StateResult:
        shipping = ShippingOption.objects.filter(code=flow.get("shipping")).first()
        payment = PaymentOption.objects.filter(code=flow.get("payment")).first()
        if not (flow.get("name") and flow.get("address") and shipping and payment):
            return self._summary(ctx, flow)
        try:
            order = order_place(
                customer=ctx.customer,
                contact_name=flow["name"],
                address=Address(
                    text=flow["address"],
                    latitude=flow.get("latitude"),
                    longitude=flow.get("longitude"),
                ),
                shipping_option=shipping,
                payment_option=payment,
                idempotency_key=f"chat-{ctx.chat.pk}-{flow['key']}",
                language=ctx.language,
            )
        except OutOfStock as exc:
            lines = [
                _("%(name)s: only %(available)s left (you asked for %(requested)s)")
                % {
                    "name": self._product_name(s.sku, s.name, ctx.language),
                    "available": s.available,
                    "requested": s.requested,
                }
                for s in exc.shortfalls
            ]
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Sorry, some items are no longer available:")
                        + "\n"
                        + "\n".join(lines),
                        buttons=self._shortfall_options(exc.shortfalls[0]),
                    )
                ],
                next_state="show_cart",
            )
        except (EmptyCart, OptionUnavailable):
            ctx.data.pop("checkout", None)
            return StateResult(
                messages=[ReplyButtons(body=_("Your cart is empty."), buttons=(_menu_button(),))],
                next_state="assistant",
            )
        ctx.data.pop("checkout", None)
        ctx.data["last_order"] = order.order_number
        if payment.kind == PaymentKind.PAYMENT_LINK:
            card = self._card_payment(ctx, order, placed=True)
            if card is not None:
                return card
        payment_row = payment_for_order(order=order)
        instructions = payment.instructions(ctx.language)
        link = payment_row.link() if payment_row else ""
        body = "\n".join(
            part
            for part in (
                _("Thank you! Your order %(number)s is placed.") % {"number": order.order_number},
                _("Total: %(amount)s") % {"amount": format_money(order.total, order.currency)},
                instructions,
                link,
                _("Payment reference: %(reference)s") % {"reference": payment_row.reference}
                if payment_row
                else "",
            )
            if part
        )
        return StateResult(
            messages=[
                ReplyButtons(
                    body=body,
                    buttons=(
                        Button(id=f"ord:{order.order_number}", title=_("Track order")),
                        Button(id="fb", title=_("Rate us")),
                        _menu_button(),
                    ),
                )
            ],
            next_state="assistant",
        )

    # --- card payment through the payment provider (PAYMENT_PROVIDER) ---------------------
    def _card_payment(self, ctx: TurnContext, order: Order, *, placed: bool) -> StateResult | None:
        """The provider's checkout page as a "Pay now" button, then how to get a new link;
        None without a provider (the option's static link applies, as before)."""
        intro = (
            [
                _("Thank you! Your order %(number)s is placed.") % {"number": order.order_number},
                _("Total: %(amount)s") % {"amount": format_money(order.total, order.currency)},
            ]
            if placed
            else [
                _("Order %(number)s, total %(amount)s.")
                % {
                    "number": order.order_number,
                    "amount": format_money(order.total, order.currency),
                }
            ]
        )
        again = Button(id=f"checkout:paylink:{order.order_number}", title=_("New payment link"))
        track = Button(id=f"ord:{order.order_number}", title=_("Track order"))
        try:
            payment = payment_checkout_link(order=order)
        except PaymentProviderError:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body="\n".join(
                            [
                                *intro,
                                _(
                                    "We could not create your card payment link just now. "
                                    "Tap New payment link to try again."
                                ),
                            ]
                        ),
                        buttons=(again, track, _menu_button()),
                    )
                ],
                next_state="assistant",
            )
        if payment is None:
            return None
        minutes = max(1, int((payment.expires_at - timezone.now()).total_seconds() // 60))
        return StateResult(
            messages=[
                CtaUrl(
                    body="\n".join(
                        [
                            *intro,
                            _("Tap Pay now to pay by card on our secure payment page."),
                            _("Payment reference: %(reference)s")
                            % {"reference": payment.reference},
                        ]
                    ),
                    display_text=_("Pay now"),
                    url=payment.provider_url,
                ),
                ReplyButtons(
                    body=_(
                        "The link is valid for %(minutes)s minutes. We will confirm here "
                        "as soon as the payment arrives. If the link expires, tap New "
                        "payment link."
                    )
                    % {"minutes": minutes},
                    buttons=(again, track, _menu_button()),
                ),
            ],
            next_state="assistant",
        )

    def _payment_link_again(self, ctx: TurnContext, order_number: str) -> StateResult:
        order = order_get(order_number=order_number, customer=ctx.customer)
        if order is None or order.payment_option.kind != PaymentKind.PAYMENT_LINK:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Sorry, I could not find that order."), buttons=(_menu_button(),)
                    )
                ],
                next_state="assistant",
            )
        try:
            result = self._card_payment(ctx, order, placed=False)
        except PaymentNotPayable:
            body = _("Order %(number)s has nothing left to pay.") % {"number": order.order_number}
        else:
            if result is not None:
                return result
            body = _("Card payment links are not available right now.")
        return StateResult(
            messages=[
                ReplyButtons(
                    body=body,
                    buttons=(
                        Button(id=f"ord:{order.order_number}", title=_("Track order")),
                        _menu_button(),
                    ),
                )
            ],
            next_state="assistant",
        )
