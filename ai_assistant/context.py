"""What the assistant knows about the conversation, trimmed to TOKENS_MAX.

Tokens are estimated offline (no tokenizer download): ~4 characters per token for Latin
text and ~2 for Arabic, which over-counts rather than under-counts for GPT-style BPE."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from conversation_log.models import Direction, Message
from orders.calculations import format_money
from orders.selectors import cart_items

if TYPE_CHECKING:
    from conversation_log.models import Chat
    from users.models import Customer

_ARABIC = re.compile(r"[\u0600-\u06FF]")


def tokens_estimate(text: str) -> int:
    arabic = len(_ARABIC.findall(text))
    other = len(text) - arabic
    return 1 + other // 4 + (arabic + 1) // 2 + text.count("\n")


@dataclass
class AssistantContext:
    system: str
    facts: list[str] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)

    def messages(self) -> list[dict[str, str]]:
        facts = "\n".join(self.facts)
        return (
            [*self.history, {"role": "system", "content": f"Shop data:\n{facts}"}]
            if facts
            else self.history
        )

    def tokens(self) -> int:
        return tokens_estimate(self.system) + sum(
            tokens_estimate(m["content"]) + 4 for m in self.messages()
        )


def context_build(
    *,
    customer: Customer,
    chat: Chat | None,
    system: str,
    facts: list[str],
    question: str,
    tokens_max: int | None = None,
) -> AssistantContext:
    """System prompt + database facts + the recent conversation + the question, dropping
    the oldest turns first and then the least relevant facts until it fits."""
    budget = tokens_max or settings.TOKENS_MAX
    cart = [
        f"cart: {i.quantity} x {i.product.name_en} [{i.product.sku}] "
        f"{format_money(i.product.price, i.product.currency)}"
        for i in cart_items(customer=customer)
    ]
    context = AssistantContext(system=system, facts=[*cart, *facts])
    history: list[dict[str, str]] = []
    if chat is not None:
        recent = Message.objects.filter(chat=chat).order_by("-created_at", "-id")[:20]
        for message in reversed(list(recent)):
            role = "user" if message.direction == Direction.INBOUND else "assistant"
            if message.text:
                history.append({"role": role, "content": message.text[:1000]})
    context.history = [*history, {"role": "user", "content": question[:1000]}]
    while context.tokens() > budget and len(context.history) > 1:
        context.history.pop(0)
    while context.tokens() > budget and context.facts:
        context.facts.pop()
    if context.tokens() > budget:
        # Only the question and the system prompt are left: shorten the question.
        last = context.history[-1]
        room = max(budget - tokens_estimate(system) - 16, 8)
        context.history[-1] = {**last, "content": last["content"][: room * 2]}
    return context
