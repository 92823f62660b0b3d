"""What the model admins with their own views (the order page's actions, the chat's
conversation view) share."""

from __future__ import annotations

from django.urls import reverse


class CustomViewUrls:
    """`_url("status", pk)`: the URL of one of this admin's own views, named
    `<app>_<model>_<name>` in its `get_urls`, on the admin site it is registered with."""

    def _url(self, name: str, *args: object) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",  # type: ignore[attr-defined]
            args=args,
            current_app=self.admin_site.name,  # type: ignore[attr-defined]
        )
