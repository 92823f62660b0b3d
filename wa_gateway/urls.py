from django.urls import path

from . import views

app_name = "wa_gateway"

urlpatterns = [
    path("", views.webhook, name="webhook"),
    path("verify/", views.webhook, name="verify"),
]
