"""Staff roles: the admin groups and exactly the permissions each one holds.

ROLES is the one place a role's rights are decided; `roles_sync` makes the database match
it (run by `manage.py setup_roles` and after every `migrate`). Least privilege:
- Support reads conversations and customers and works the human-handoff desk (the reply
  form and ending a handoff need `change_chat`); no orders, no catalog.
- Catalog edits products (stock included), categories, brands and their aliases, specs and
  FAQs with their variants, maps Shopify product types and collections onto the taxonomy,
  and triages the questions the bot could not answer; orders are view-only. Brands,
  categories, products and specs are deactivated, never deleted (orders and product specs
  refer to them).
- Orders manager works orders (the status actions of the order list, marking paid and
  cancelling included, need `change_order`), payments (refunding through the provider
  needs `refund_payment`) and the orders pushed to Shopify;
  customers, shipping and payment options are view-only (the order form looks them up).
Users, groups, permissions, beat schedules, login lockouts and shop settings are left to
superusers: no role lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

SUPPORT = "Support"
CATALOG = "Catalog"
ORDERS_MANAGER = "Orders manager"


def _perms(app_label: str, model: str, *actions: str) -> frozenset[str]:
    return frozenset(f"{app_label}.{action}_{model}" for action in actions)


ORDERS_VIEW = (
    _perms("orders", "order", "view")
    | _perms("orders", "orderitem", "view")
    | _perms("orders", "orderevent", "view")
)

ROLES: dict[str, frozenset[str]] = {
    SUPPORT: (
        _perms("conversation_log", "chat", "view", "change")
        | _perms("conversation_log", "message", "view")
        | _perms("conversation_log", "feedback", "view")
        | _perms("users", "customer", "view")
    ),
    CATALOG: (
        _perms("inventory", "product", "view", "add", "change")
        | _perms("inventory", "category", "view", "add", "change")
        | _perms("inventory", "stockalert", "view")
        | _perms("brandkit", "brand", "view", "add", "change")
        | _perms("brandkit", "brandalias", "view", "add", "change", "delete")
        | _perms("brandkit", "specdefinition", "view", "add", "change")
        | _perms("helpdesk", "faq", "view", "add", "change")
        | _perms("helpdesk", "faqvariant", "view", "add", "change", "delete")
        # Triage of what the bot could not answer: turn it into an FAQ, or dismiss it.
        | _perms("helpdesk", "unansweredquestion", "view", "change")
        | ORDERS_VIEW
        # Shopify product types and collections mapped onto the taxonomy (docs/SHOPIFY.md).
        | _perms("shopify_admin", "categorymapping", "view", "add", "change", "delete")
        | _perms("shopify_admin", "unmappedproducttype", "view")
        | _perms("shopify_admin", "collection", "view", "change")
    ),
    ORDERS_MANAGER: (
        ORDERS_VIEW
        | _perms("orders", "order", "change")
        | _perms("payments", "payment", "view", "add", "change")
        # Refunding through the payment provider moves money: its own permission.
        | frozenset({"payments.refund_payment"})
        | _perms("payments", "paymentevent", "view")
        | _perms("payments", "paymentoption", "view")
        # Orders pushed to Shopify: their state, and "push again" after a failure.
        | _perms("shopify_admin", "orderpush", "view", "change")
        | _perms("orders", "shippingoption", "view")
        | _perms("users", "customer", "view")
    ),
}


class UnknownPermission(LookupError):
    """A role lists a permission that does not exist (a typo, or a model that was removed)."""


@dataclass
class RoleSyncReport:
    """Per role, the permissions added and removed by one `roles_sync`."""

    created: list[str] = field(default_factory=list)
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)


def _permissions(names: frozenset[str], *, using: str) -> dict[str, Permission]:
    found: dict[str, Permission] = {}
    for permission in Permission.objects.using(using).select_related("content_type"):
        name = f"{permission.content_type.app_label}.{permission.codename}"
        if name in names:
            found[name] = permission
    missing = sorted(names - found.keys())
    if missing:
        raise UnknownPermission(f"staff roles list unknown permissions: {', '.join(missing)}")
    return found


def roles_sync(
    *, roles: dict[str, frozenset[str]] | None = None, using: str = "default"
) -> RoleSyncReport:
    """Create the role groups and give each exactly its permissions from ROLES (adding the
    missing ones, removing any others). Idempotent; raises UnknownPermission, naming the
    codenames, before changing anything when a listed permission does not exist."""
    roles = ROLES if roles is None else roles
    with transaction.atomic(using=using):
        wanted = _permissions(frozenset().union(*roles.values()), using=using)
        report = RoleSyncReport()
        for role, names in roles.items():
            group, created = Group.objects.using(using).get_or_create(name=role)
            if created:
                report.created.append(role)
            current = {
                f"{p.content_type.app_label}.{p.codename}": p
                for p in group.permissions.select_related("content_type")
            }
            to_add = sorted(names - current.keys())
            to_remove = sorted(current.keys() - names)
            if to_add:
                group.permissions.add(*(wanted[name] for name in to_add))
                report.added[role] = to_add
            if to_remove:
                group.permissions.remove(*(current[name] for name in to_remove))
                report.removed[role] = to_remove
    return report
