"""ChatEngine: one inbound message in, the customer's reply out.

Runs inside `wa_gateway.tasks.process_inbound`'s transaction, which holds the Chat row
lock. A voice note is first transcribed when that is configured (`voice.py`) and then read
as typed. Order of concerns for each message: record it; silent kinds (a reaction, a
deleted message, a system notice; a number change moves the customer); opt-out/opt-in;
human handoff (silence); the inbound rate limit (one "slow down", then silence); session
expiry; routing (pressed id → its state; the greeting, a catalog cart or a referred
product → its state, the step in progress kept; unsupported media → polite reply; free
text, a caption or an edit's new text → the collecting state or the intent); the state's
turn (in the customer's language); persist state and context, then the customer's
language; send the reply after commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from conversation_log.models import Chat
from conversation_log.selectors import chat_get_with_customer, message_inbound_times
from conversation_log.services import chat_save_turn, message_record_inbound
from intent_classifier import understand
from intent_classifier.commands import command_match
from intent_classifier.types import IntentName
from message_bus.dto import OutboundMessage, ReplyButtons, Text
from message_bus.services import outbound_send
from site_config.selectors import site_config_get
from users.models import Customer
from users.services import (
    customer_change_number,
    customer_opt_in,
    customer_opt_out,
    customer_set_language,
)

from . import state_router
from .events import IncomingMessage
from .language import language_detect
from .reactions import reaction_feedback_record
from .states.base import State, StateResult, TurnContext
from .states.common import menu_buttons
from .voice import VoiceUnreadable, voice_transcribe, voice_transcription_enabled

logger = logging.getLogger(__name__)

DEFAULT_STATE = "assistant"
MAX_CHAINED_STATES = 4
TEXT_KINDS = frozenset({"text", "interactive", "button"})
# Kinds whose text is read as if typed: a media caption, a transcribed voice note.
READ_AS_TEXT = TEXT_KINDS | frozenset({"image", "video", "document", "audio"})
# Kinds a person would not answer: a reaction (or its removal), a deleted message, a
# system notice. Recorded in the conversation, never replied to, the step left as it is.
SILENT_KINDS = frozenset({"reaction", "revoke", "system"})
USER_CHANGED_NUMBER = "user_changed_number"
# Kinds (and a product asked about) handled by one state without disturbing a step in
# progress: the state answers and the step the customer was in goes on afterwards.
_ASIDE_KINDS = {"request_welcome": "assistant", "order": "catalog_order"}
# Commands a state collecting an answer still gets first ("yes", "no" are answers).
_ANSWERS = frozenset({IntentName.AFFIRM, IntentName.DENY})


@dataclass
class _Reply:
    """What a turn answers, and the language the customer is spoken to in from now on."""

    messages: list[OutboundMessage]
    language: str
    allow_opted_out: bool = False
    route: tuple[str, ...] = ()  # the states that handled the turn


class ChatEngine:
    def handle_message(self, event: IncomingMessage) -> list[OutboundMessage]:
        """Handle one inbound message; returns the messages queued for sending."""
        # The inbox drain holds the chat's row lock: one read of chat and customer.
        chat = chat_get_with_customer(customer_id=event.customer_id)
        customer = chat.customer
        event = _transcribed(event, customer)
        message_record_inbound(
            chat=chat,
            wamid=event.wamid,
            msg_type=event.kind,
            body=event.raw,
            text=event.text or event.reply_title,
        )
        language = language_detect(event.text, default=customer.language)
        with override(language):
            try:
                # A savepoint: a turn that fails (a provider outage while understanding, a
                # bug) leaves nothing half-written, and the customer still gets an answer.
                with transaction.atomic():
                    reply = self._turn(event, customer, chat, language)
            except Exception:
                logger.exception("turn failed; the customer gets an apology and the menu")
                customer.refresh_from_db(fields=["opted_out"])
                reply = _Reply(
                    [] if customer.opted_out else [_apology()], language, route=("error",)
                )
        if event.transcript and reply.messages:
            with override(reply.language):
                heard = _("I heard: “%(text)s”") % {"text": event.transcript}
            reply.messages.insert(0, Text(body=heard))
        # One line per turn: what handled it (eval_dialog reads it; operators grep it).
        logger.info("turn routed", extra={"route": list(reply.route), "chat_id": chat.pk})
        # Written last, when the turn's work (an LLM call among it) is done: the customer
        # row stays locked until the turn commits, and storing this customer's next message
        # at the webhook waits on that lock (the event's foreign key).
        customer_set_language(customer=customer, language=reply.language)
        if not reply.messages:
            return []
        outbound_send(
            customer=customer,
            chat=chat,
            messages=reply.messages,
            allow_opted_out=reply.allow_opted_out,
        )
        return reply.messages

    def _turn(
        self, event: IncomingMessage, customer: Customer, chat: Chat, language: str
    ) -> _Reply:
        if event.kind in SILENT_KINDS:
            if event.system_type == USER_CHANGED_NUMBER and event.new_wa_id:
                moved = customer_change_number(customer=customer, new_wa_id=event.new_wa_id)
                if not moved:
                    logger.warning(
                        "customer %s changed number, but the new id is taken or invalid; "
                        "left for staff",
                        customer.pk,
                    )
            if event.kind == "reaction":
                reaction_feedback_record(
                    chat=chat,
                    customer=customer,
                    emoji=event.text,
                    reacted_wamid=event.refers_to,
                    language=language,
                )
            return _Reply([], language, route=(event.system_type or event.kind,))
        typed = event.kind in READ_AS_TEXT and event.has_text and not event.is_reply
        command = command_match(event.text) if typed else None
        said = command[0] if command else None
        if said == IntentName.OPT_OUT:
            customer_opt_out(customer=customer)
            message = _(
                "You will not receive any more messages from us. Send START to opt back in."
            )
            return _Reply([Text(body=message)], language, allow_opted_out=True, route=("opt_out",))
        rejoined = False
        if customer.opted_out:
            if said != IntentName.OPT_IN:
                return _Reply([], language)  # opted out: nothing but the opt-out confirmation
            customer_opt_in(customer=customer)
            chat.state, chat.context = DEFAULT_STATE, {}
            rejoined = True
        if chat.handoff_active:
            return _Reply([], language)  # a person is answering; the bot stays silent
        if not rejoined:
            over, was_over = inbound_rate_exceeded(chat=chat)
            if over:
                # Before understanding: a flood costs no LLM call and no search.
                if was_over:
                    return _Reply([], language, route=("rate_limited",))
                logger.warning("inbound rate limit reached", extra={"chat_id": chat.pk})
                notice = _(
                    "You are sending messages very quickly. I will answer again in a "
                    "minute: please send your question then."
                )
                return _Reply([Text(body=notice)], language, route=("rate_limited",))

        preface: list[OutboundMessage] = []
        data = dict(chat.context or {})
        current = chat.state or DEFAULT_STATE
        timeout = timedelta(minutes=site_config_get().session_timeout_minutes)
        if chat.last_activity_at and timezone.now() - chat.last_activity_at > timeout:
            if current != DEFAULT_STATE or data:
                preface.append(
                    Text(
                        body=_(
                            "Welcome back! Your previous session expired, so we are starting over."
                        )
                    )
                )
            current, data = DEFAULT_STATE, {}

        ctx = TurnContext(
            customer=customer,
            chat=chat,
            event=event,
            language=language,
            data=data,
            understanding=(
                understand(event.text, {"state": current, "language": language}) if typed else None
            ),
        )
        messages, next_state, route = self._dispatch(ctx, current)
        chat_save_turn(chat=chat, state=next_state, context=ctx.data, language=ctx.language)
        return _Reply(preface + messages, ctx.language, route=tuple(route))

    def _dispatch(
        self, ctx: TurnContext, current: str
    ) -> tuple[list[OutboundMessage], str, list[str]]:
        """Run the state(s) for this message: a pressed id's state; a shared location to
        the state collecting one; free text to the state collecting an answer, then to the
        states the router offers until one does not decline."""
        event = ctx.event
        if event.reply_id:
            resolved = state_router.resolve_reply(event.reply_id)
            if resolved is None:
                logger.info("stale or unknown reply id %r", event.reply_id)
                return self._run(_ExpiredOption(), ctx, current)
            state, ctx.payload = resolved
            return self._run(state, ctx, current)
        if event.kind == "location":
            state = state_router.state_get(current)
            if state is not None and state.accepts_location:
                return self._run(state, ctx, current)
            return self._run(_Fallback(), ctx, current)
        aside = _ASIDE_KINDS.get(event.kind) or ("product_detail" if event.referred_sku else "")
        if aside:
            state = state_router.state_get(aside)
            if state is not None:
                ctx.payload = event.referred_sku if aside == "product_detail" else ""
                messages, next_state, route = self._run(state, ctx, current)
                collector = state_router.state_get(current)
                if collector is not None and collector.accepts_text:
                    next_state = current  # mid-step: the step goes on afterwards
                return messages, next_state, route
        if event.kind == "audio" and not event.has_text and voice_transcription_enabled():
            return self._run(_VoiceUnreadable(), ctx, current)
        understanding = ctx.understanding
        if understanding is None:
            return self._run(_Unsupported(), ctx, current)
        collector = state_router.state_get(current)
        collecting = collector is not None and collector.accepts_text
        if collecting and (not understanding.command or understanding.intent in _ANSWERS):
            messages, next_state, route = self._run(collector, ctx, current, typed=True)
            if route:
                return messages, next_state, route
        for name, payload in state_router.route_text(understanding):
            state = state_router.state_get(name)
            if state is None:
                continue
            ctx.payload = payload
            messages, next_state, route = self._run(state, ctx, current)
            if route:
                if collecting and next_state == DEFAULT_STATE:
                    # A side question mid-step ("how long does delivery take?" while
                    # giving an address) is answered; the step it interrupted goes on.
                    next_state = current
                return messages, next_state, route
        return self._run(_Fallback(), ctx, current)

    def _run(
        self, state: State, ctx: TurnContext, current: str, *, typed: bool = False
    ) -> tuple[list[OutboundMessage], str, list[str]]:
        """Run `state` and the states it hands over to (`then`). An empty route means the
        first state declined the turn."""
        messages: list[OutboundMessage] = []
        next_state = current
        route: list[str] = []
        for hop in range(MAX_CHAINED_STATES):
            try:
                result: StateResult = (
                    state.take_text(ctx) if typed and hop == 0 else state.handle(ctx)
                )
            except Exception:
                logger.exception("state %s failed", state.name)
                messages.append(_apology())
                return messages, DEFAULT_STATE, [*route, state.name]
            if result.declined:
                if hop == 0:
                    return [], current, []
                break
            route.append(state.name)
            messages.extend(result.messages)
            if result.next_state:
                next_state = result.next_state
            if not result.then:
                break
            following = state_router.state_get(result.then)
            if following is None:
                break
            state, ctx.payload = following, result.then_payload
        return messages, next_state, route


def _apology() -> ReplyButtons:
    return ReplyButtons(
        body=_("Sorry, something went wrong on our side. Please try again."),
        buttons=tuple(menu_buttons()),
    )


def inbound_rate_exceeded(*, chat: Chat) -> tuple[bool, bool]:
    """(whether the message just recorded is over the limit, whether the one before it was).

    Over the limit = more than INBOUND_RATE_MAX_MESSAGES inbound messages (text, buttons,
    media: every kind) recorded on the chat in the INBOUND_RATE_WINDOW_SECONDS up to it.
    The caller answers the first message over with one notice and the next ones (while
    each is still over) with silence. Counted from `conversation_log.Message`, so every
    worker sees the same count; one query over the (chat, created_at) index reads at most
    limit + 2 rows. A limit or window of 0 turns the limit off."""
    limit = settings.INBOUND_RATE_MAX_MESSAGES
    window = timedelta(seconds=settings.INBOUND_RATE_WINDOW_SECONDS)
    if limit <= 0 or not window:
        return False, False
    now = timezone.now()
    # Newest first: [0] is this message, [1] the one before it. Older than two windows
    # cannot matter: [1] must be inside this window for this message to be over.
    times = message_inbound_times(chat=chat, since=now - 2 * window, limit=limit + 2)
    over = len(times) > limit and times[limit] > now - window
    was_over = over and len(times) > limit + 1 and times[limit + 1] > times[1] - window
    return over, was_over


class _ExpiredOption(State):
    name = "_expired_option"

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(
            messages=[
                ReplyButtons(
                    body=_("Sorry, that option has expired. Here is the main menu."),
                    buttons=tuple(menu_buttons()),
                )
            ],
            next_state=DEFAULT_STATE,
        )


class _Unsupported(State):
    name = "_unsupported"

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(
            messages=[
                ReplyButtons(
                    body=_(
                        "Sorry, I can only read text messages and button replies. "
                        "Please type your question or choose an option."
                    ),
                    buttons=tuple(menu_buttons()),
                )
            ]
        )


class _VoiceUnreadable(State):
    name = "_voice_unreadable"

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(
            messages=[
                ReplyButtons(
                    body=_(
                        "Sorry, I could not make out your voice note. "
                        "Please try again or type your question."
                    ),
                    buttons=tuple(menu_buttons()),
                )
            ]
        )


def _transcribed(event: IncomingMessage, customer: Customer) -> IncomingMessage:
    """A voice note with its transcript as its text, when transcription is on; any other
    message unchanged. A failed transcription leaves the text empty (the turn says so)."""
    if event.kind != "audio" or not event.media_id or event.has_text or customer.opted_out:
        return event
    if not voice_transcription_enabled():
        return event
    try:
        text = voice_transcribe(
            media_id=event.media_id, mime_type=event.mime_type, language=customer.language
        )
    except VoiceUnreadable:
        return event
    return replace(event, text=text, transcript=text)


class _Fallback(State):
    name = "_fallback"

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(
            messages=[ReplyButtons(body=_("How can we help you?"), buttons=tuple(menu_buttons()))],
            next_state=DEFAULT_STATE,
        )
