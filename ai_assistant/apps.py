from django.apps import AppConfig


class AiAssistantConfig(AppConfig):
    name = "ai_assistant"
    label = "ai_assistant"
    verbose_name = "AI assistant"
