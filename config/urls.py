from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("org/", include("organizations.urls")),
    path("", include("certificates.urls")),
    path("", include("quizzes.urls")),
    path("", include("courses.urls")),
]
