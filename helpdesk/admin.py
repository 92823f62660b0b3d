"""Staff screens for the FAQ and for the questions the bot could not answer."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .models import FAQ, FAQVariant, UnansweredQuestion
from .services import UnansweredQuestionClosed, faq_from_unanswered, unanswered_question_dismiss


class FAQVariantInline(admin.TabularInline):
    model = FAQVariant
    extra = 1
    fields = ("language", "text", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ("question_en", "question_ar", "topic", "active", "updated_at")
    list_filter = ("topic", "active")
    search_fields = ("question_en", "question_ar", "answer_en", "answer_ar")
    list_editable = ("active",)
    inlines = [FAQVariantInline]


@admin.register(UnansweredQuestion)
class UnansweredQuestionAdmin(admin.ModelAdmin):
    """Rows come from the bot (`unanswered_question_record`); staff only triage them."""

    list_display = ("text", "language", "count", "last_asked_at", "status", "faq")
    list_filter = ("status", "language")
    search_fields = ("text",)
    ordering = ("-count",)
    list_select_related = ("faq",)
    fields = (
        "text",
        "language",
        "count",
        "first_asked_at",
        "last_asked_at",
        "normalised_key",
        "status",
        "faq",
    )
    readonly_fields = (
        "text",
        "language",
        "count",
        "first_asked_at",
        "last_asked_at",
        "normalised_key",
    )
    raw_id_fields = ("faq",)
    actions = ["make_faq", "dismiss"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_make_faq_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("helpdesk.add_faq")

    def has_dismiss_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("helpdesk.change_unansweredquestion")

    @admin.action(description="Make this an FAQ (draft)", permissions=["make_faq"])
    def make_faq(self, request: HttpRequest, queryset: QuerySet[UnansweredQuestion]) -> None:
        made: list[FAQ] = []
        skipped = 0
        for question in list(queryset):
            try:
                made.append(faq_from_unanswered(question=question))
            except UnansweredQuestionClosed:  # already answered or dismissed
                skipped += 1
        if made:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:helpdesk_faq_change", args=[faq.pk]), faq.question_en)
                    for faq in made
                ),
            )
            self.message_user(
                request,
                format_html(
                    "Made {} draft FAQ(s); write the answers and tick Active: {}",
                    len(made),
                    links,
                ),
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request, f"{skipped} question(s) were not open and were skipped.", messages.WARNING
            )

    @admin.action(description="Dismiss", permissions=["dismiss"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[UnansweredQuestion]) -> None:
        dismissed = sum(unanswered_question_dismiss(question=q) for q in queryset)
        self.message_user(request, f"Dismissed {dismissed} question(s).", messages.SUCCESS)
        skipped = queryset.count() - dismissed
        if skipped:
            self.message_user(
                request, f"{skipped} question(s) were not open and were skipped.", messages.WARNING
            )
