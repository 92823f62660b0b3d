from django.apps import AppConfig


class LlmConnectorConfig(AppConfig):
    name = "connectors.llm"
    label = "llm_connector"
    verbose_name = "LLM connector"
