from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("imprint/", views.page, {"page": "imprint"}, name="imprint"),
    path("privacy/", views.page, {"page": "privacy"}, name="privacy"),
    path("accessibility/", views.page, {"page": "accessibility"}, name="accessibility"),
]
