from django.apps import AppConfig


class IntentClassifierConfig(AppConfig):
    name = "intent_classifier"
    label = "intent_classifier"
    verbose_name = "Intent classifier"
