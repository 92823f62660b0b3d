"""The registry of dialog states and the rules that pick one for each message.

Button and list-row ids are `<prefix>:<payload>` (`prd:SAM-S24U-256`, `add:SKU`,
`cart:view`, `lang:ar`, `menu`). `register` maps a state's name, its prefixes and the
intents it declares to the class; `resolve_reply` validates a pressed id and returns
(state, payload) or None for an id that is unknown or malformed (stale or forged), which
the engine answers with "that option expired" and the menu.

Free text is routed by `route_text(understanding)`: a table lookup of the intent, with
one policy for the cases the classifier leaves open (see its docstring).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from intent_classifier.types import IntentName

from .states.base import State

if TYPE_CHECKING:
    from intent_classifier import Understanding

_STATES: dict[str, type[State]] = {}
_PREFIXES: dict[str, type[State]] = {}
_INTENTS: dict[str, type[State]] = {}
_ID = re.compile(r"^(?P<prefix>[a-z_]{1,16})(?::(?P<payload>[\w\-.:@/ ]{0,180}))?$")


def register(state: type[State]) -> type[State]:
    """Class decorator: make a state reachable by name and by its id prefixes."""
    if not state.name:
        raise ValueError(f"{state.__name__} has no name")
    existing = _STATES.get(state.name)
    if existing is not None and existing is not state:
        raise ValueError(f"state name {state.name!r} is taken by {existing.__name__}")
    _STATES[state.name] = state
    for prefix in state.prefixes:
        other = _PREFIXES.get(prefix)
        if other is not None and other is not state:
            raise ValueError(f"prefix {prefix!r} is taken by {other.__name__}")
        _PREFIXES[prefix] = state
    for intent in state.intents:
        IntentName(intent)  # an unknown intent name fails at registration, not at run time
        other = _INTENTS.get(intent)
        if other is not None and other is not state:
            raise ValueError(f"intent {intent!r} is served by {other.__name__}")
        _INTENTS[intent] = state
    return state


def state_get(name: str) -> State | None:
    cls = _STATES.get(name)
    return cls() if cls else None


def state_names() -> list[str]:
    return sorted(_STATES)


def resolve_reply(reply_id: str) -> tuple[State, str] | None:
    """(state, payload) for a pressed id, or None when it is not one of ours."""
    match = _ID.match(reply_id.strip())
    if not match:
        return None
    cls = _PREFIXES.get(match.group("prefix"))
    if cls is None:
        return None
    return cls(), match.group("payload") or ""


def make_id(prefix: str, payload: str = "") -> str:
    """Build a button/list id that `resolve_reply` accepts."""
    if prefix not in _PREFIXES:
        raise ValueError(f"unknown prefix {prefix!r}")
    return f"{prefix}:{payload}" if payload else prefix


SEARCH_STATE = "search"
FAQ_STATE = "faq_answer"
COMPARE_STATE = "compare"
CLARIFY_STATE = "clarify"
FAQ_TRY = "try"  # the FAQ answers a match, else declines
FAQ_OVERRIDE = "override"  # the FAQ answers only a much closer match (see helpdesk)
SEARCH_GUESS = "guess"  # the search's last guess before asking back (see recos)

# Intents that are not about products: a text naming products with one of these ("help
# me find a tablet") is a search.
_NOT_ABOUT_PRODUCTS = frozenset(
    {
        IntentName.GREETING,
        IntentName.THANKS,
        IntentName.GOODBYE,
        IntentName.MENU,
        IntentName.HELP,
        IntentName.AFFIRM,
        IntentName.DENY,
        IntentName.UNKNOWN,
        IntentName.OPT_IN,
    }
)
# Actions a question may only ask about ("can I cancel after paying?" is the cancellation
# policy, not a cancellation): the FAQ answers first when one is much closer than usual
# (its reply still offers a person). "Can you stop the messages?" is a request; "how do I
# stop …" goes to the FAQ by its own rule.
_ASKED_ABOUT = frozenset(
    {
        IntentName.ORDER_STATUS,
        IntentName.MY_ORDERS,
        IntentName.CANCEL_ORDER,
        IntentName.CHECKOUT,
        IntentName.HUMAN,
        IntentName.HELP,
        IntentName.CLEAR_CART,
        IntentName.RESET,
        IntentName.ADD_TO_CART,
        IntentName.REMOVE_ITEM,
        IntentName.FEEDBACK,
        # "does it support arabic?" asks about a device; "can we speak arabic?" switches
        IntentName.LANGUAGE,
    }
)
# A question about cancelling ("can I still cancel if it's out for delivery?") is the
# cancellation policy, whose answer says how: the FAQ at its usual distance comes first.
_POLICY_ASKED = frozenset({IntentName.CANCEL_ORDER})

# Cart actions: said of an order already placed, they ask to change the order.
_CART_ACTIONS = frozenset({IntentName.ADD_TO_CART, IntentName.REMOVE_ITEM})

# States that explain how something is done: an answer to "how do I …?" about them.
_EXPLAINED = frozenset(
    {
        IntentName.OPT_OUT,
        IntentName.HELP,
        IntentName.STORE_INFO,
        IntentName.SHIPPING_INFO,
        IntentName.PAYMENT_INFO,
        IntentName.LANGUAGE,
        IntentName.HUMAN,
    }
)

Route = tuple[str, str]  # (state name, payload)


def route_text(understanding: Understanding) -> list[Route]:
    """The states to try, in order, for free text, with their payloads; a state that
    declines passes the turn to the next one.

    - an order number, ours or as the customer quotes it ("order 10234", not in "how do
      I …") → its status (or its cancellation, confirmed there);
    - a fixed command → the state declaring it, acting at once ("reset", "english");
    - a service asked of the shop ("can you repair my ps4?") or a fault with what was
      delivered ("arrived with a dent") → the FAQ, never a search;
    - two products to compare → the comparison;
    - a text naming products with an intent that is not about them, or unsure → search;
    - an intent the classifier is sure of → the state declaring it (a destructive
      intent's state only asks to confirm: no payload); when the text asks about that
      action ("can I cancel after paying?") a close FAQ answers first;
    - "how do I …" → the FAQ (support, never a search);
    - unsure: "what's new?" → the newest products; a question → the FAQ (which says
      "not sure" and offers a person below its threshold); anything else → search if it
      finds something close, else a close FAQ, else a clarifying question with buttons.
    """
    u = understanding
    number = u.slots.get("order_number") or ("" if u.how_to else u.slots.get("order_ref"))
    if number:
        wanted = "cancel_order" if u.intent == IntentName.CANCEL_ORDER else "order_status"
        return [(wanted, number)]
    declared = _INTENTS.get(u.intent)
    if u.command and declared is not None:
        return [(declared.name, _command_payload(u))]
    if u.service or u.complaint:
        # "can you repair my ps4?", "the speaker arrived with a dent": the shop's to answer
        # whatever it names; the FAQ about it answers, else "not sure" with a person
        return [(FAQ_STATE, "")]
    routes: list[Route] = []
    if len(u.slots.get("compared", [])) >= 2:
        routes.append((COMPARE_STATE, ""))
    if u.how_to and (u.names_products or u.intent not in (IntentName.HELP, IntentName.CHECKOUT)):
        # "how do I reset my earbuds?" is support, not a search: an FAQ, else a state that
        # explains ("how do I unsubscribe?"), else "not sure" with a person offered.
        routes.append((FAQ_STATE, FAQ_TRY))
        if u.confident and declared is not None and u.intent in _EXPLAINED:
            routes.append((declared.name, ""))
        routes.append((FAQ_STATE, ""))
    elif u.names_products and (
        u.intent in _NOT_ABOUT_PRODUCTS
        or not u.confident
        # "pixel 8 pro", "arabic english keyboard": a product named, no comparison or
        # language switch asked for
        or (u.intent == IntentName.COMPARE and not u.compares)
        or u.intent == IntentName.LANGUAGE
        # "best phone with a good camera?": picks of that type, not the customer's picks
        or u.intent == IntentName.RECOMMEND
    ):
        if u.after_sale:
            # "the laptop i got has a cracked screen": the customer's own product, so a
            # close FAQ (damaged, wrong item, returns) answers before any search.
            routes.append((FAQ_STATE, FAQ_TRY))
        elif u.question:
            # "do you take apple pay?": an FAQ answers only when much closer than a search;
            # a shop question that mentions a type ("if I order a laptop today, when does
            # it arrive?", the classifier's best reading) takes an FAQ at its usual distance.
            # When something sold out comes back is the shop's answer too.
            # So is how to pay for it ("can i buy the macbook with tabby?").
            asks_the_shop = _asks_the_shop(u) or u.restock or u.pays
            routes.append((FAQ_STATE, FAQ_TRY if asks_the_shop else FAQ_OVERRIDE))
        routes.append((SEARCH_STATE, ""))
    elif u.confident and declared is not None:
        if u.stocked and u.names_products and u.intent == IntentName.FAQ:
            # "شاحن سيارة للجوال عندكم؟": the shop's to answer if an FAQ is close, else the
            # catalogue (never "not sure" about a type the shop sells)
            routes += [(FAQ_STATE, FAQ_TRY), (SEARCH_STATE, "")]
        if u.after_sale and u.intent in _CART_ACTIONS:
            # "i want to add a charger to my order": the order is placed, so it asks to
            # change the order (an FAQ), not to fill the cart
            routes.append((FAQ_STATE, FAQ_TRY))
        if u.question and u.intent in _POLICY_ASKED:
            routes.append((FAQ_STATE, FAQ_TRY))
        elif (u.question and u.intent in _ASKED_ABOUT) or u.intent == IntentName.DEALS:
            # "any discount for students": a kind of discount an FAQ answers (students,
            # price match) is not today's deals; only a much closer FAQ takes it
            routes.append((FAQ_STATE, FAQ_OVERRIDE))
        routes.append((declared.name, ""))
    elif u.slots.get("newest"):
        routes.append((SEARCH_STATE, ""))  # "what's new?": the newest products
    elif u.question:
        routes.append((FAQ_STATE, ""))
    # Unsure and nothing found: a close FAQ still answers ("my order came broken"), then
    # the search's last guess at an Arabic use ("جدتي تبي تسمع القرآن في غرفتها"), else the
    # customer is asked back.
    routes += [
        (SEARCH_STATE, ""),
        (FAQ_STATE, FAQ_TRY),
        (SEARCH_STATE, SEARCH_GUESS),
        (CLARIFY_STATE, ""),
    ]
    return list(dict.fromkeys(routes))


def _asks_the_shop(u: Understanding) -> bool:
    """The classifier reads a shop question and the text names products only by type or
    brand (no model, spec or price limit, which are what a product question asks about)."""
    return (
        u.intent == IntentName.FAQ
        and not u.has_limits
        and not ({"product_ref", "specs"} & u.slots.keys())
    )


def _command_payload(u: Understanding) -> str:
    """What a whole-message command carries: the language named, or "yes" for a command
    that confirms itself ("start over" is the confirmation)."""
    if u.intent == IntentName.LANGUAGE:
        return str(u.slots.get("language", ""))
    if u.intent == IntentName.RESET:
        return "yes"
    return ""


def autodiscover() -> None:
    """Import every module of `dialog_engine.states` so their `@register` decorators run."""
    import importlib
    import pkgutil

    from . import states

    for module in pkgutil.iter_modules(states.__path__):
        importlib.import_module(f"{states.__name__}.{module.name}")
