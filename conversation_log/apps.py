from django.apps import AppConfig


class ConversationLogConfig(AppConfig):
    name = "conversation_log"
    label = "conversation_log"
    verbose_name = "Conversations"
