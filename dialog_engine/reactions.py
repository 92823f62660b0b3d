"""A reaction to one of our order updates is the customer's verdict on it: a clear thumbs
up or down is stored as feedback for staff (the reaction itself is never answered)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from conversation_log.services import feedback_comment, feedback_record
from orders.selectors import order_update_for_message

if TYPE_CHECKING:
    from conversation_log.models import Chat, Feedback
    from users.models import Customer

logger = logging.getLogger(__name__)

# Emoji whose meaning is not in doubt; any other reaction is only recorded in the chat.
_GOOD = frozenset("👍❤😍🥰🙏👏😊🤩💯🔥") | {"❤️", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿"}
_BAD = frozenset("👎😡😠😞😢💔🤬") | {"👎🏻", "👎🏼", "👎🏽", "👎🏾", "👎🏿"}
GOOD_RATING, BAD_RATING = 5, 1


def reaction_rating(emoji: str) -> int | None:
    """5 for a clearly happy reaction, 1 for a clearly unhappy one, else None."""
    emoji = emoji.strip()
    if emoji in _GOOD:
        return GOOD_RATING
    if emoji in _BAD:
        return BAD_RATING
    return None


def reaction_feedback_record(
    *, chat: Chat, customer: Customer, emoji: str, reacted_wamid: str, language: str
) -> Feedback | None:
    """Store a reaction to an order update as feedback (rating, and which update it was
    about as its comment). None when the reaction is not a clear verdict, is a removal,
    or is about any other message."""
    rating = reaction_rating(emoji)
    if rating is None:
        return None
    update = order_update_for_message(wamid=reacted_wamid, customer=customer)
    if update is None:
        return None
    feedback = feedback_record(chat=chat, rating=rating, language=language)
    comment = f"Reaction {emoji.strip()} to the {update.status} update of order "
    comment += update.order.order_number
    logger.info("reaction to an order update stored as feedback", extra={"chat_id": chat.pk})
    return feedback_comment(feedback_id=feedback.pk, comment=comment)
