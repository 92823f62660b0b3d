"""Staff screens for conversations, including the human handoff desk: the queue of open
handoffs, a chat's transcript with a reply form, and ending a handoff."""

from __future__ import annotations

import json
import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from project_core.admin_views import CustomViewUrls
from users.selectors import customer_in_service_window

from .exceptions import ConversationError
from .models import Chat, Feedback, Message, MessageTemplate, SlotSource
from .selectors import chat_list_open_handoffs, chat_transcript
from .services import (
    STAFF_REPLY_MAX_CHARS,
    chat_handoff_end,
    chat_handoff_start,
    chat_staff_reply,
)

logger = logging.getLogger(__name__)


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"),
        max_length=STAFF_REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


@admin.register(Chat)
class ChatAdmin(CustomViewUrls, admin.ModelAdmin):
    """The chat page is the conversation: the transcript as bubbles (direction, delivery
    status, time), the reply box and take over / hand back. The dialog state and its
    context are the engine's memory, shown read-only: nothing here edits them."""

    change_form_template = "admin/conversation_log/chat/change_form.html"
    list_display = (
        "customer",
        "state",
        "language",
        "handoff_active",
        "closed",
        "last_activity_at",
        "transcript_link",
    )
    list_filter = ("handoff_active", "closed", "language", "state", "last_activity_at")
    search_fields = ("customer__wa_id", "customer__profile_name")
    fields = (
        "customer",
        "state",
        "context_display",
        "language",
        "handoff_active",
        "handoff_requested_at",
        "closed",
        "closed_at",
        "last_activity_at",
        "created_at",
        "updated_at",
    )
    list_select_related = ("customer",)
    actions = ["end_handoff"]

    def get_readonly_fields(self, request: HttpRequest, obj: Chat | None = None):
        # Everything: the engine owns state and context, the handoff moves through the
        # buttons, and moving a chat to another customer would redirect its messages.
        return self.fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a chat starts when a customer writes

    def save_model(self, request: HttpRequest, obj: Chat, form, change: bool) -> None:
        # Nothing is editable; saving the loaded row could only overwrite the state and
        # context the engine wrote meanwhile.
        return None

    @admin.display(description=_("context"))
    def context_display(self, chat: Chat) -> str:
        return format_html(
            '<pre style="white-space: pre-wrap; margin: 0">{}</pre>',
            json.dumps(chat.context or {}, ensure_ascii=False, indent=2, sort_keys=True),
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ):
        chat = self.get_object(request, object_id)
        extra = {"show_save": False, "show_save_and_continue": False, "show_delete": False}
        if chat is not None:
            extra |= self._conversation_context(
                request, chat, form=StaffReplyForm(), return_url=request.path
            )
        return super().change_view(
            request, object_id, form_url, extra_context={**(extra_context or {}), **extra}
        )

    def _conversation_context(
        self, request: HttpRequest, chat: Chat, *, form: StaffReplyForm, return_url: str
    ) -> dict:
        return {
            "chat": chat,
            "messages_list": chat_transcript(chat=chat),
            "form": form,
            "in_window": customer_in_service_window(customer=chat.customer),
            "can_change": self.has_change_permission(request, chat),
            "transcript_url": self._url("transcript", chat.pk),
            "return_url": return_url,
        }

    # --- URLs -----------------------------------------------------------------------------
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        custom = [
            path(
                "handoffs/",
                self.admin_site.admin_view(self.handoffs_view),
                name=f"{prefix}_handoffs",
            ),
            path(
                "<int:chat_id>/transcript/",
                self.admin_site.admin_view(self.transcript_view),
                name=f"{prefix}_transcript",
            ),
        ]
        return custom + super().get_urls()

    @admin.display(description=_("Conversation"))
    def transcript_link(self, chat: Chat) -> str:
        return format_html('<a href="{}">{}</a>', self._url("transcript", chat.pk), gettext("Open"))

    # --- Actions --------------------------------------------------------------------------
    @admin.action(description=_("End handoff (the bot answers again)"), permissions=["change"])
    def end_handoff(self, request: HttpRequest, queryset: QuerySet[Chat]) -> None:
        ended = sum(
            chat_handoff_end(chat=chat, actor=request.user.get_username()) for chat in queryset
        )
        skipped = queryset.count() - ended
        self.message_user(
            request,
            gettext("Handoff ended for %(count)s chat(s).") % {"count": ended},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                gettext("%(count)s chat(s) were not in handoff.") % {"count": skipped},
                messages.WARNING,
            )

    # --- Views ----------------------------------------------------------------------------
    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "handoffs_url": self._url("handoffs"),
            "open_handoffs": chat_list_open_handoffs().count(),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def handoffs_view(self, request: HttpRequest) -> HttpResponse:
        """The queue of chats waiting for a human, longest-waiting first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        chats = list(chat_list_open_handoffs())
        rows = [
            {
                "chat": chat,
                "transcript_url": self._url("transcript", chat.pk),
                "in_window": customer_in_service_window(customer=chat.customer),
            }
            for chat in chats
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Open handoffs"),
            "rows": rows,
        }
        return TemplateResponse(request, "admin/conversation_log/chat/handoffs.html", context)

    def _next_url(self, request: HttpRequest, chat: Chat) -> str:
        """Back to the page the form was posted from (the chat page or the transcript)."""
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return self._url("transcript", chat.pk)

    def transcript_view(self, request: HttpRequest, chat_id: int) -> HttpResponse:
        """A chat's conversation: the transcript, a reply form (sent through the message
        pipeline's outbox) and the handoff buttons. POST `reply` sends; `take_over` starts
        a handoff (the bot stays silent); `end_handoff` hands the chat back to the bot.
        Every POST needs the change-chat permission."""
        chat = get_object_or_404(Chat.objects.select_related("customer"), pk=chat_id)
        if not self.has_view_permission(request, chat):
            raise PermissionDenied
        form = StaffReplyForm()
        if request.method == "POST":
            if not self.has_change_permission(request, chat):
                raise PermissionDenied
            actor = request.user.get_username()
            if "end_handoff" in request.POST:
                if chat_handoff_end(chat=chat, actor=actor):
                    self.message_user(request, gettext("Handoff ended: the bot answers again."))
                else:
                    self.message_user(
                        request, gettext("This chat is not in handoff."), messages.WARNING
                    )
                return HttpResponseRedirect(self._next_url(request, chat))
            if "take_over" in request.POST:
                if chat_handoff_start(chat=chat):
                    logger.info("handoff taken over", extra={"chat_id": chat.pk, "actor": actor})
                    self.message_user(
                        request, gettext("You have the conversation: the bot stays silent.")
                    )
                else:
                    self.message_user(
                        request, gettext("This chat is already in handoff."), messages.WARNING
                    )
                return HttpResponseRedirect(self._next_url(request, chat))
            form = StaffReplyForm(request.POST)
            if form.is_valid():
                try:
                    chat_staff_reply(chat=chat, text=form.cleaned_data["text"], staff=actor)
                except ConversationError as exc:
                    self.message_user(
                        request, gettext("Not sent: %(reason)s") % {"reason": exc}, messages.ERROR
                    )
                else:
                    self.message_user(request, gettext("Reply sent."), messages.SUCCESS)
                    return HttpResponseRedirect(self._next_url(request, chat))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Conversation with %(customer)s") % {"customer": chat.customer},
            **self._conversation_context(
                request, chat, form=form, return_url=self._url("transcript", chat.pk)
            ),
            "change_url": self._url("change", chat.pk),
            "handoffs_url": self._url("handoffs"),
        }
        return TemplateResponse(request, "admin/conversation_log/chat/transcript.html", context)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: inbound rows are what the customer said, outbound rows are what the
    message pipeline persisted and sends. A row added or edited here would be sent (the
    retry sweep sends every queued row), so staff write to a customer only through the
    handoff reply form, which goes through the pipeline's rules (opt-out, 24-hour window)."""

    list_display = (
        "id",
        "chat",
        "direction",
        "msg_type",
        "status",
        "error_code",
        "error_title",
        "created_at",
    )
    list_filter = ("direction", "status", "msg_type")
    search_fields = ("wamid", "text", "chat__customer__wa_id")
    autocomplete_fields = ("chat",)
    readonly_fields = ("created_at", "sent_at", "delivered_at", "read_at", "status_updated_at")
    date_hierarchy = "created_at"
    list_select_related = ("chat", "chat__customer")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """What customers said about the service: filter by rating, read the comment, open
    the conversation it came from."""

    list_display = ("created_at", "rating", "short_comment", "language", "chat_link")
    list_filter = ("rating", "language", "created_at")
    search_fields = ("comment", "chat__customer__wa_id", "chat__customer__profile_name")
    date_hierarchy = "created_at"
    list_select_related = ("chat__customer",)
    readonly_fields = ("chat", "rating", "comment", "language", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers give feedback, staff read it

    @admin.display(description=_("comment"))
    def short_comment(self, obj: Feedback) -> str:
        return obj.comment if len(obj.comment) <= 80 else obj.comment[:79] + "…"

    @admin.display(description=_("conversation"))
    def chat_link(self, obj: Feedback) -> str:
        url = reverse("admin:conversation_log_chat_change", args=[obj.chat_id])
        return format_html('<a href="{}">{}</a>', url, obj.chat.customer)


class MessageTemplateForm(forms.ModelForm):
    """Purpose, and one "filled with" choice per parameter slot of the template (the slot
    map); everything else is Meta's and read-only."""

    class Meta:
        model = MessageTemplate
        fields = ("purpose",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", gettext("— not mapped —")), *SlotSource.choices]
        mapping = self.instance.slot_map or {}
        for slot in self.instance.slots or []:
            self.fields[f"slot__{slot}"] = forms.ChoiceField(
                label=gettext("%(slot)s filled with") % {"slot": slot},
                choices=choices,
                required=False,
                initial=mapping.get(slot, ""),
            )

    def clean(self):
        cleaned = super().clean()
        self.instance.slot_map = {
            slot: cleaned[f"slot__{slot}"]
            for slot in self.instance.slots or []
            if cleaned.get(f"slot__{slot}")
        }
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """Templates synced from Meta (`manage.py sync_templates`, hourly, and the status
    webhooks). Staff choose what each approved template is for and how its slots are
    filled; a template with an unmapped slot is never sent (recorded as not sent)."""

    form = MessageTemplateForm
    list_display = (
        "name",
        "language",
        "category",
        "status",
        "purpose",
        "slots_display",
        "ready",
        "synced_at",
    )
    list_filter = ("status", "category", "purpose", "language")
    search_fields = ("name", "body_text")
    readonly_fields = (
        "name",
        "language",
        "meta_id",
        "category",
        "status",
        "status_reason",
        "status_updated_at",
        "body_text",
        "slots",
        "slot_map",
        "components",
        "synced_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # templates are created in Meta's WhatsApp Manager, then synced

    def get_form(self, request: HttpRequest, obj: MessageTemplate | None = None, **kwargs):
        # The slot fields are added per template by the form itself.
        kwargs["fields"] = ["purpose"]
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj: MessageTemplate | None = None):
        slots = [f"slot__{slot}" for slot in (obj.slots if obj else []) or []]
        return ("purpose", *slots, *self.readonly_fields)

    @admin.display(description=_("slots"))
    def slots_display(self, obj: MessageTemplate) -> str:
        return ", ".join(obj.slots or []) or "-"

    @admin.display(description=_("ready to send"), boolean=True)
    def ready(self, obj: MessageTemplate) -> bool:
        return obj.status == "APPROVED" and bool(obj.purpose) and not obj.unmapped_slots()
