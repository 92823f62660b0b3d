"""Staff screens for conversations, including the human handoff desk: the queue of open
handoffs, a chat's transcript with a reply form, and ending a handoff."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from users.selectors import customer_in_service_window

from .exceptions import ConversationError
from .models import Chat, Feedback, Message, MessageTemplate, SlotSource
from .selectors import chat_list_open_handoffs, chat_transcript
from .services import STAFF_REPLY_MAX_CHARS, chat_handoff_end, chat_staff_reply


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("created_at", "direction", "msg_type", "text", "status", "error_code", "error_title")
    readonly_fields = fields
    ordering = ("-created_at",)
    max_num = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Chat | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Chat | None = None) -> bool:
        return False  # the transcript is a record; replies go through the handoff form


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply",
        max_length=STAFF_REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


@admin.register(Chat)
class ChatAdmin(admin.ModelAdmin):
    list_display = (
        "customer",
        "state",
        "language",
        "handoff_active",
        "closed",
        "last_activity_at",
        "transcript_link",
    )
    list_filter = ("handoff_active", "closed", "language", "state")
    search_fields = ("customer__wa_id", "customer__profile_name")
    autocomplete_fields = ("customer",)
    readonly_fields = ("created_at", "updated_at", "last_activity_at")
    inlines = [MessageInline]
    list_select_related = ("customer",)
    actions = ["end_handoff"]

    def get_readonly_fields(self, request: HttpRequest, obj: Chat | None = None):
        # Messages go to the chat's customer: moving a chat to another customer would
        # redirect its queued messages and the staff replies written in it.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "customer") if obj is not None else readonly

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

    def _url(self, name: str, *args: object) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    @admin.display(description="Transcript")
    def transcript_link(self, chat: Chat) -> str:
        return format_html('<a href="{}">Open</a>', self._url("transcript", chat.pk))

    # --- Actions --------------------------------------------------------------------------
    @admin.action(description="End handoff (the bot answers again)", permissions=["change"])
    def end_handoff(self, request: HttpRequest, queryset: QuerySet[Chat]) -> None:
        ended = sum(
            chat_handoff_end(chat=chat, actor=request.user.get_username()) for chat in queryset
        )
        skipped = queryset.count() - ended
        self.message_user(request, f"Handoff ended for {ended} chat(s).", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} chat(s) were not in handoff.", messages.WARNING)

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
            "title": "Open handoffs",
            "rows": rows,
        }
        return TemplateResponse(request, "admin/conversation_log/chat/handoffs.html", context)

    def transcript_view(self, request: HttpRequest, chat_id: int) -> HttpResponse:
        """A chat's transcript, a reply form (sent through the message pipeline) and the
        end-handoff button. POST `reply` sends; POST `end_handoff` ends the handoff."""
        chat = get_object_or_404(Chat.objects.select_related("customer"), pk=chat_id)
        if not self.has_view_permission(request, chat):
            raise PermissionDenied
        form = StaffReplyForm()
        if request.method == "POST":
            if not self.has_change_permission(request, chat):
                raise PermissionDenied
            if "end_handoff" in request.POST:
                if chat_handoff_end(chat=chat, actor=request.user.get_username()):
                    self.message_user(request, "Handoff ended: the bot answers again.")
                else:
                    self.message_user(request, "This chat is not in handoff.", messages.WARNING)
                return HttpResponseRedirect(request.path)
            form = StaffReplyForm(request.POST)
            if form.is_valid():
                try:
                    chat_staff_reply(
                        chat=chat,
                        text=form.cleaned_data["text"],
                        staff=request.user.get_username(),
                    )
                except ConversationError as exc:
                    self.message_user(request, f"Not sent: {exc}", messages.ERROR)
                else:
                    self.message_user(request, "Reply sent.", messages.SUCCESS)
                    return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Conversation with {chat.customer}",
            "chat": chat,
            "messages_list": chat_transcript(chat=chat),
            "form": form,
            "in_window": customer_in_service_window(customer=chat.customer),
            "can_change": self.has_change_permission(request, chat),
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

    @admin.display(description="comment")
    def short_comment(self, obj: Feedback) -> str:
        return obj.comment if len(obj.comment) <= 80 else obj.comment[:79] + "…"

    @admin.display(description="conversation")
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
        choices = [("", "— not mapped —"), *SlotSource.choices]
        mapping = self.instance.slot_map or {}
        for slot in self.instance.slots or []:
            self.fields[f"slot__{slot}"] = forms.ChoiceField(
                label=f"{slot} filled with",
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

    @admin.display(description="slots")
    def slots_display(self, obj: MessageTemplate) -> str:
        return ", ".join(obj.slots or []) or "-"

    @admin.display(description="ready to send", boolean=True)
    def ready(self, obj: MessageTemplate) -> bool:
        return obj.status == "APPROVED" and bool(obj.purpose) and not obj.unmapped_slots()
