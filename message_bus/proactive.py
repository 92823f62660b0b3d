"""One rule for every message the shop starts (order updates, back-in-stock alerts, cart
reminders):

- an opted-out customer gets nothing;
- a marketing purpose also needs the customer's marketing consent;
- inside the 24-hour window: free-form, in the customer's language (a CTA URL button when
  there is a link);
- outside it: the APPROVED template for the purpose in the customer's language (else in
  WA_TEMPLATE_FALLBACK_LANGUAGE), its slots filled from the sender's values;
- nothing possible: a `failed` outbound Message with the reason in its error title, for
  staff to see. Nothing is raised into the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone, translation

from conversation_log.message_templates import message_template_for
from conversation_log.models import (
    MARKETING_PURPOSES,
    Chat,
    DeliveryStatus,
    Direction,
    Message,
    TemplatePurpose,
)
from users.selectors import customer_in_service_window

from .dto import CtaUrl, InvalidOutbound, OutboundMessage, Text
from .services import CustomerOptedOut, OutsideServiceWindow, outbound_send, template_send
from .templates import TemplateRefused, template_message_build

if TYPE_CHECKING:
    from users.models import Customer

logger = logging.getLogger(__name__)

FREE_FORM = "free_form"
TEMPLATE = "template"
NOT_SENT = "not_sent"
OPTED_OUT = "the customer opted out"
NO_CONSENT = "no marketing consent"


@dataclass(frozen=True)
class Cta:
    """A link for a CTA URL button: `label` ≤ 20 characters (shortened), an https URL."""

    label: str
    url: str


@dataclass(frozen=True)
class ProactiveResult:
    outcome: str  # FREE_FORM, TEMPLATE or NOT_SENT
    reason: str = ""
    messages: tuple[Message, ...] = ()

    @property
    def sent(self) -> bool:
        return self.outcome != NOT_SENT


TextBuilder = Callable[[], str] | str


def _free_form(text: str, cta: Cta | None) -> list[OutboundMessage]:
    if cta and cta.url.startswith("https://"):
        return [CtaUrl(body=text, display_text=cta.label, url=cta.url)]
    if cta and cta.url:  # not https: Meta would refuse the button; the link goes in the text
        return [Text(body=f"{text}\n{cta.url}")]
    return [Text(body=text)]


def _record_not_sent(*, customer: Customer, reason: str, text: str) -> Message:
    chat, _ = Chat.objects.get_or_create(customer=customer)
    now = timezone.now()
    return Message.objects.create(
        chat=chat,
        direction=Direction.OUTBOUND,
        msg_type="text",
        body={},
        text=text[:4096],
        status=DeliveryStatus.FAILED,
        error_title=f"not sent: {reason}"[:300],
        status_updated_at=now,
    )


def _template_languages(customer: Customer) -> list[str]:
    fallback = settings.WA_TEMPLATE_FALLBACK_LANGUAGE
    return [customer.language] + ([fallback] if fallback and fallback != customer.language else [])


def proactive_send(
    *,
    customer: Customer,
    purpose: str,
    text: TextBuilder,
    values: Mapping[str, Any] | None = None,
    cta: Cta | None = None,
    dry_run: bool = False,
    record: bool = True,
) -> ProactiveResult:
    """Send one shop-initiated message by the rule above. `text` (or the callable building
    it, called in the customer's language) is the free-form body; `values` fill the
    template's slots (`SlotSource` names: order_number, order_total as `Money`, …).

    `dry_run` decides without writing or sending (a sweep asks before it claims an alert).
    `record=False` skips the `failed` row of a message that cannot be sent."""
    if purpose not in TemplatePurpose.values or not purpose:
        raise ValueError(f"unknown purpose {purpose!r}")
    customer.refresh_from_db()
    with translation.override(customer.language):
        body = text() if callable(text) else text
    reason = ""
    if customer.opted_out:
        reason = OPTED_OUT
    elif purpose in MARKETING_PURPOSES and not customer.marketing_consent:
        reason = NO_CONSENT
    elif customer_in_service_window(customer=customer):
        if dry_run:
            return ProactiveResult(outcome=FREE_FORM)
        try:
            rows = outbound_send(customer=customer, messages=_free_form(body, cta))
            return ProactiveResult(outcome=FREE_FORM, messages=tuple(rows))
        except InvalidOutbound as exc:
            reason = str(exc)
        except (CustomerOptedOut, OutsideServiceWindow) as exc:  # changed since the check
            reason = f"{exc.__class__.__name__}: refused"
    else:
        template = message_template_for(purpose=purpose, languages=_template_languages(customer))
        if template is None:
            reason = (
                f"outside the 24-hour window and no approved {purpose} template in "
                f"{'/'.join(_template_languages(customer))}"
            )
        else:
            try:
                message = template_message_build(template=template, values=values or {})
            except TemplateRefused as exc:
                reason = str(exc)
            else:
                if dry_run:
                    return ProactiveResult(outcome=TEMPLATE)
                try:
                    row = template_send(customer=customer, message=message)
                    return ProactiveResult(outcome=TEMPLATE, messages=(row,))
                except (InvalidOutbound, CustomerOptedOut) as exc:
                    reason = str(exc) or exc.__class__.__name__
    logger.info(
        "proactive %s message not sent: %s", purpose, reason, extra={"customer_id": customer.pk}
    )
    if dry_run or not record:
        return ProactiveResult(outcome=NOT_SENT, reason=reason)
    row = _record_not_sent(customer=customer, reason=reason, text=body)
    return ProactiveResult(outcome=NOT_SENT, reason=reason, messages=(row,))


def proactive_send_port(
    *,
    customer: Customer,
    purpose: str,
    text: TextBuilder,
    values: Mapping[str, Any] | None = None,
    cta_label: str = "",
    cta_url: str = "",
    dry_run: bool = False,
    record: bool = True,
) -> ProactiveResult:
    """`proactive_send` for domain apps (settings.OUTBOUND_PROACTIVE_SENDER), which pass a
    link as plain strings."""
    cta = Cta(label=cta_label, url=cta_url) if cta_url else None
    return proactive_send(
        customer=customer,
        purpose=purpose,
        text=text,
        values=values,
        cta=cta,
        dry_run=dry_run,
        record=record,
    )
