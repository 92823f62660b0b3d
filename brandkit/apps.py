from django.apps import AppConfig


class BrandkitConfig(AppConfig):
    name = "brandkit"
    label = "brandkit"
    verbose_name = "Brands and taxonomy"
