from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - shared fixtures
