import csv
from collections.abc import Iterator

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from payments.selectors import payment_for_order
from project_core.admin_views import CustomViewUrls

from .exceptions import AddressLocked, InvalidTransition
from .models import (
    ALLOWED_TRANSITIONS,
    Cart,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    OrderUpdate,
    ShippingOption,
)
from .services import (
    ADDRESS_LOCKED_STATUSES,
    cart_has_items_refresh,
    order_correct_address,
    order_transition,
)
from .updates import order_ship_with_tracking


@admin.register(ShippingOption)
class ShippingOptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ar", "price", "free_over", "currency", "active")
    list_filter = ("active", "currency")
    search_fields = ("code", "name_en", "name_ar")
    list_editable = ("active",)


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    autocomplete_fields = ("product",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "status", "created_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("customer__wa_id", "customer__profile_name")
    autocomplete_fields = ("customer",)
    inlines = [CartItemInline]
    list_select_related = ("customer",)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # Staff may add or delete lines in the inline: the funnel's "carts with an item"
        # reads Cart.has_items, which the cart services keep for every other path.
        super().save_related(request, form, formsets, change)
        cart_has_items_refresh(cart_id=form.instance.pk)


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = ("sku", "name_en", "unit_price", "quantity", "line_total")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    """The order's timeline: every status move and every staff correction, oldest first."""

    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "change", "actor", "note")
    readonly_fields = fields
    verbose_name = _("timeline entry")
    verbose_name_plural = _("timeline")

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    @admin.display(description=_("what happened"))
    def change(self, event: OrderEvent) -> str:
        labels = dict(OrderStatus.choices)
        if not event.to_status:  # a correction, not a status move (order_correct_address)
            return gettext("Correction")
        if not event.from_status:
            return str(labels.get(event.to_status, event.to_status))
        return (
            f"{labels.get(event.from_status, event.from_status)} → "
            f"{labels.get(event.to_status, event.to_status)}"
        )


def _transition_action(to_status: str, label: str | Promise):
    """An order-list action that moves the selected orders through `order_transition`.
    Offered, and run, only for users who may change orders: marking paid settles the
    payment and cancelling restocks, so viewing orders is never enough."""

    @admin.action(description=label, permissions=["change"])
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        moved, refused = 0, []
        for order in queryset:
            try:
                order_transition(
                    order=order, to_status=to_status, actor=request.user.get_username()
                )
                moved += 1
            except InvalidTransition as exc:
                refused.append(str(exc))
        if moved:
            modeladmin.message_user(
                request,
                gettext("%(action)s: %(count)s order(s).") % {"action": label, "count": moved},
                messages.SUCCESS,
            )
        for reason in refused:
            modeladmin.message_user(request, reason, messages.ERROR)

    action.__name__ = f"mark_{to_status}"
    return action


class OrderUpdateInline(admin.TabularInline):
    """What the customer was told about the order, and whether it reached them."""

    model = OrderUpdate
    extra = 0
    can_delete = False
    fields = ("created_at", "status", "outcome", "reason", "message_text", "delivery")
    readonly_fields = fields
    verbose_name = _("update sent to the customer")
    verbose_name_plural = _("updates sent to the customer")

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("message")

    @admin.display(description=_("message"))
    def message_text(self, update: OrderUpdate) -> str:
        return update.message.text[:300] if update.message else "-"

    @admin.display(description=_("delivery status"))
    def delivery(self, update: OrderUpdate) -> str:
        message = update.message
        if message is None:
            return "-"
        status = message.get_status_display()
        detail = message.error_title or (str(message.error_code) if message.error_code else "")
        return f"{status}: {detail}" if detail else status


class ShipmentForm(forms.Form):
    """Carrier and tracking of one order being shipped (all optional: cash on delivery
    by the shop's own courier has no tracking)."""

    carrier = forms.CharField(max_length=80, required=False)
    tracking_number = forms.CharField(max_length=80, required=False)
    tracking_url = forms.URLField(
        max_length=500, required=False, assume_scheme="https", help_text="https://…"
    )

    def clean_tracking_url(self) -> str:
        url = self.cleaned_data["tracking_url"]
        if url and not url.startswith("https://"):
            raise forms.ValidationError(gettext("The tracking link must start with https://"))
        return url


@admin.action(description=_("Ship (asks for carrier and tracking)"), permissions=["change"])
def mark_shipped(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    """Ship the selected orders: an intermediate page asks each order's carrier, tracking
    number and tracking link, then `order_ship_with_tracking` records them and ships."""
    orders = list(queryset.order_by("pk"))
    forms_by_order = [
        (
            order,
            ShipmentForm(
                request.POST if "apply" in request.POST else None,
                prefix=f"order-{order.pk}",
                initial={
                    "carrier": order.carrier,
                    "tracking_number": order.tracking_number,
                    "tracking_url": order.tracking_url,
                },
            ),
        )
        for order in orders
    ]
    if "apply" in request.POST and all(form.is_valid() for _order, form in forms_by_order):
        moved, refused = 0, []
        for order, form in forms_by_order:
            try:
                order_ship_with_tracking(
                    order=order, actor=request.user.get_username(), **form.cleaned_data
                )
                moved += 1
            except InvalidTransition as exc:
                refused.append(str(exc))
        if moved:
            modeladmin.message_user(
                request,
                gettext("%(action)s: %(count)s order(s).")
                % {"action": gettext("Ship"), "count": moved},
                messages.SUCCESS,
            )
        for reason in refused:
            modeladmin.message_user(request, reason, messages.ERROR)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": gettext("Ship orders"),
        "forms_by_order": forms_by_order,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action": "mark_shipped",
    }
    return TemplateResponse(request, "admin/orders/order/ship.html", context)


class AddressCorrectionForm(forms.Form):
    address = forms.CharField(
        label=_("Corrected address"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )
    note = forms.CharField(
        label=_("Why (kept in the order's timeline)"),
        max_length=150,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class StatusChangeForm(forms.Form):
    """One status move from the order page; shipping also takes carrier and tracking,
    cancelling needs a reason."""

    to_status = forms.ChoiceField(choices=OrderStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    carrier = forms.CharField(label=_("Carrier"), max_length=80, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80, required=False)
    tracking_url = forms.URLField(
        label=_("Tracking link"), max_length=500, required=False, assume_scheme="https"
    )

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("tracking_url") or ""
        if url and not url.startswith("https://"):
            self.add_error("tracking_url", gettext("The tracking link must start with https://"))
        if cleaned.get("to_status") == OrderStatus.CANCELLED and not cleaned.get("note"):
            self.add_error("note", gettext("Say why the order is cancelled."))
        return cleaned


# Labels of the order page's status buttons (the allowed moves come from the pipeline).
STATUS_BUTTONS = {
    OrderStatus.PAID: _("Mark paid"),
    OrderStatus.SHIPPED: _("Ship"),
    OrderStatus.DELIVERED: _("Mark delivered"),
    OrderStatus.CANCELLED: _("Cancel the order (restocks)"),
}  # no "refunded": a refund is money moved by the payments app, not a button here
CSV_COLUMNS = (
    ("order_number", _("order number")),
    ("created_at", _("placed at")),
    ("status", _("status")),
    ("customer", _("WhatsApp number")),
    ("contact_name", _("contact name")),
    ("contact_phone", _("contact phone")),
    ("address", _("address")),
    ("items", _("items")),
    ("subtotal", _("subtotal")),
    ("shipping_cost", _("shipping")),
    ("total", _("total")),
    ("currency", _("currency")),
    ("shipping_option", _("shipping option")),
    ("payment_option", _("payment option")),
    ("carrier", _("carrier")),
    ("tracking_number", _("tracking number")),
)


def _csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Order)
class OrderAdmin(CustomViewUrls, admin.ModelAdmin):
    """A placed order is a record: its customer, money, items and options are read-only.
    Staff change it only through the order page's actions and the list's actions, which
    call the order services (status pipeline, address correction) and leave an event."""

    change_form_template = "admin/orders/order/change_form.html"
    change_list_template = "admin/orders/order/change_list.html"
    list_display = (
        "order_number",
        "customer",
        "contact_name",
        "status",
        "total",
        "currency",
        "payment_option",
        "shipping_option",
        "created_at",
    )
    list_filter = (
        "status",
        "payment_option",
        "shipping_option",
        "currency",
        "language",
        "created_at",
    )
    search_fields = (
        "order_number",
        "customer__wa_id",
        "customer__profile_name",
        "contact_name",
        "contact_phone",
        "tracking_number",
        "items__sku",
    )
    fieldsets = (
        (
            _("Customer"),
            {
                "fields": (
                    "customer",
                    "contact_name",
                    "contact_phone",
                    "address",
                    "latitude",
                    "longitude",
                    "language",
                    "notes",
                )
            },
        ),
        (_("Money"), {"fields": ("subtotal", "shipping_cost", "total", "currency")}),
        (_("Options"), {"fields": ("shipping_option", "payment_option")}),
        (_("Shipment"), {"fields": ("carrier", "tracking_number", "tracking_url")}),
        (
            _("Record"),
            {"fields": ("order_number", "status", "idempotency_key", "created_at", "updated_at")},
        ),
    )
    inlines = [OrderItemInline, OrderEventInline, OrderUpdateInline]
    date_hierarchy = "created_at"
    list_select_related = ("customer", "payment_option", "shipping_option")
    actions = [
        _transition_action(OrderStatus.PAID, _("Mark paid")),
        mark_shipped,
        _transition_action(OrderStatus.DELIVERED, _("Mark delivered")),
        _transition_action(OrderStatus.CANCELLED, _("Cancel (restocks)")),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None):
        return [field.name for field in Order._meta.concrete_fields if field.name != "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are placed by customers (chat, API) through order_place

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False  # cancel instead: it restocks and tells the customer

    def save_model(self, request: HttpRequest, obj: Order, form, change: bool) -> None:
        # Nothing on the form is editable; saving the loaded row could only overwrite a
        # concurrent status change. Changes go through the page's actions.
        return None

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        return None

    # --- URLs -----------------------------------------------------------------------------
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        custom = [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_csv_view),
                name=f"{prefix}_export_csv",
            ),
            path(
                "<int:order_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name=f"{prefix}_status",
            ),
            path(
                "<int:order_id>/address/",
                self.admin_site.admin_view(self.address_view),
                name=f"{prefix}_address",
            ),
        ]
        return custom + super().get_urls()

    # --- The order page -------------------------------------------------------------------
    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ):
        order = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), **self._page_context(request, order)}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _page_context(self, request: HttpRequest, order: Order | None) -> dict:
        if order is None:
            return {}
        can_change = self.has_change_permission(request, order)
        moves = [
            {
                "status": status,
                "label": STATUS_BUTTONS.get(status, status),
                "form": StatusChangeForm(
                    initial={
                        "to_status": status,
                        "carrier": order.carrier,
                        "tracking_number": order.tracking_number,
                        "tracking_url": order.tracking_url,
                    }
                ),
            }
            for status in sorted(ALLOWED_TRANSITIONS[order.status])
            if status in STATUS_BUTTONS
        ]
        return {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            "order": order,
            "order_items": list(order.items.all()),
            "payment": payment_for_order(order=order),
            "can_change_order": can_change,
            "moves": moves if can_change else [],
            "status_url": self._url("status", order.pk),
            "address_url": self._url("address", order.pk),
            "address_form": AddressCorrectionForm(initial={"address": order.address}),
            "address_locked": order.status in ADDRESS_LOCKED_STATUSES,
            "customer_url": reverse("admin:users_customer_change", args=[order.customer_id]),
        }

    def _order_for_change(self, request: HttpRequest, order_id: int) -> Order:
        order = get_object_or_404(Order.objects.select_related("customer"), pk=order_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        return order

    def _refused(self, request: HttpRequest, order: Order, form: forms.Form) -> HttpResponse:
        """A form that did not validate: nothing changed; say why on the order page."""
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                text = f"{label}: {error}" if label else error
                self.message_user(request, text, messages.ERROR)
        return HttpResponseRedirect(self._url("change", order.pk))

    def status_view(self, request: HttpRequest, order_id: int) -> HttpResponse:
        """POST: move the order one step along the pipeline (ship records carrier and
        tracking first). Needs the change-order permission."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = self._order_for_change(request, order_id)
        form = StatusChangeForm(request.POST)
        if not form.is_valid():
            return self._refused(request, order, form)
        data, actor = form.cleaned_data, request.user.get_username()
        try:
            if data["to_status"] == OrderStatus.SHIPPED:
                order_ship_with_tracking(
                    order=order,
                    actor=actor,
                    carrier=data["carrier"],
                    tracking_number=data["tracking_number"],
                    tracking_url=data["tracking_url"],
                )
            else:
                order_transition(
                    order=order, to_status=data["to_status"], actor=actor, note=data["note"]
                )
        except InvalidTransition as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Order %(number)s is now %(status)s.")
                % {"number": order.order_number, "status": order.get_status_display()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._url("change", order.pk))

    def address_view(self, request: HttpRequest, order_id: int) -> HttpResponse:
        """POST: correct the delivery address of an order not yet shipped, with a note."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = self._order_for_change(request, order_id)
        form = AddressCorrectionForm(request.POST)
        if not form.is_valid():
            return self._refused(request, order, form)
        try:
            order_correct_address(
                order=order,
                address=form.cleaned_data["address"],
                note=form.cleaned_data["note"],
                actor=request.user.get_username(),
            )
        except AddressLocked as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, gettext("Address corrected."), messages.SUCCESS)
        return HttpResponseRedirect(self._url("change", order.pk))

    # --- The list -------------------------------------------------------------------------
    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        query = request.GET.urlencode()
        extra_context = {
            **(extra_context or {}),
            "export_csv_url": self._url("export_csv") + (f"?{query}" if query else ""),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def export_csv_view(self, request: HttpRequest) -> HttpResponse:
        """The orders of the list as it is filtered and searched now, as CSV (one row per
        order, items as "qty × SKU" joined by "; "). Needs the view-order permission."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        orders = (
            changelist.get_queryset(request)
            .select_related("customer", "shipping_option", "payment_option")
            .prefetch_related("items")
        )
        response = StreamingHttpResponse(
            _csv_rows(orders.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="orders.csv"'
        return response


class _Echo:
    """A file-like object whose write() hands the line back: csv.writer → a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(orders: Iterator[Order]) -> Iterator[str]:
    """The export, one line at a time (streamed: an export of 100k orders never sits in
    memory whole)."""
    writer = csv.writer(_Echo())
    # The BOM makes spreadsheets read the file (and its Arabic names) as UTF-8.
    yield "\ufeff" + writer.writerow([str(label) for _name, label in CSV_COLUMNS])
    for order in orders:
        values = {
            "customer": order.customer.wa_id,
            "status": order.get_status_display(),
            "created_at": order.created_at.isoformat(timespec="seconds"),
            "items": "; ".join(f"{item.quantity} × {item.sku}" for item in order.items.all()),
            "shipping_option": order.shipping_option.code,
            "payment_option": order.payment_option.code,
        }
        yield writer.writerow(
            [_csv_cell(values.get(name, getattr(order, name, ""))) for name, _l in CSV_COLUMNS]
        )
