from __future__ import annotations

from django.db import models


class Brand(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120, blank=True)
    logo_url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return (self.name_ar or self.name_en) if language == "ar" else self.name_en


class BrandAliasKind(models.TextChoices):
    SPELLING = "spelling", "Another way to write the brand"
    LINE = "line", "A product line of the brand, e.g. Galaxy, ThinkPad, PlayStation"


class BrandAlias(models.Model):
    """A name customers use for a brand other than its `name_en`/`name_ar`: a spelling
    ("سامسونغ", "samsnug") or one of its product lines ("galaxy", "ايفون").

    An alias names exactly one brand (unique), so recognising it can never be ambiguous.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=80, help_text="As customers type it.")
    kind = models.CharField(
        max_length=8, choices=BrandAliasKind.choices, default=BrandAliasKind.SPELLING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brand", "kind", "alias"]
        verbose_name_plural = "brand aliases"
        constraints = [models.UniqueConstraint(fields=["alias"], name="brandkit_brandalias_unique")]

    def __str__(self) -> str:
        return f"{self.alias} ({self.kind})"


class SpecType(models.TextChoices):
    INTEGER = "int", "Whole number"
    DECIMAL = "decimal", "Decimal number"
    BOOLEAN = "bool", "Yes / no"
    TEXT = "text", "Text"
    CHOICE = "choice", "One of the choices"


class SpecDefinition(models.Model):
    """One feature of the electronics taxonomy (RAM, screen size, noise cancelling, ...).

    `categories` lists the category slugs it applies to (a product's category or any of its
    ancestors); an empty list applies it everywhere.
    """

    key = models.SlugField(max_length=60, unique=True)
    label_en = models.CharField(max_length=80)
    label_ar = models.CharField(max_length=80)
    unit = models.CharField(max_length=16, blank=True, help_text="GB, in, mAh, MP, h, W ...")
    value_type = models.CharField(max_length=8, choices=SpecType.choices, default=SpecType.TEXT)
    choices = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_key_spec = models.BooleanField(
        default=False, help_text="Shown in product summaries and used for search."
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "key"]

    def __str__(self) -> str:
        return f"{self.label_en} ({self.key})"

    def label(self, language: str) -> str:
        return self.label_ar if language == "ar" else self.label_en
