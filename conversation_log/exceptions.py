"""Domain errors of conversations, turned into an admin message or an HTTP status at the edge."""

from __future__ import annotations


class ConversationError(Exception):
    """Base class: a conversation action that the rules refuse."""


class OutsideServiceWindow(ConversationError):
    """Meta only accepts free-form messages within 24 hours of the customer's last message;
    outside it only approved templates may be sent."""

    def __init__(self, wa_id: str) -> None:
        super().__init__(
            "The customer's last message is more than 24 hours old: WhatsApp only allows "
            "approved templates now, so a free-form reply cannot be sent."
        )
        self.wa_id = wa_id


class CustomerOptedOut(ConversationError):
    def __init__(self, wa_id: str) -> None:
        super().__init__("The customer opted out of messages; nothing was sent.")
        self.wa_id = wa_id


class EmptyReply(ConversationError):
    def __init__(self) -> None:
        super().__init__("The reply is empty.")


class OutboundUnavailable(ConversationError):
    """No outbound sender is configured (settings.OUTBOUND_TEXT_SENDER)."""
