import os

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from .health import healthz
from .metrics import metrics

# The admin has no log-in form of its own: it uses the throttled one with the second factor.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and feed readers ask for /favicon.ico whatever a page links: send them to the static file.

    The static URL is looked up per request, not at import: with the manifest storage it needs collectstatic's
    manifest, which does not exist yet while collectstatic itself loads the URLs for its checks.
    """
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("legal/", include("legal.urls")),
    path("admin/", admin.site.urls),
    # The language switch works signed out too (LoginRequiredMiddleware guards everything else).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("accounts.urls")),
    # django-allauth's own pages (e-mail confirmation, second factor, re-authentication, reset from the link);
    # where both define a path, Haltung's above wins.
    path("accounts/", include("allauth.urls")),
    path("org/", include("organizations.urls")),
    # The operator's onboarding back office (staff only); courses adds its ownership page under staff/ too.
    path("staff/", include("organizations.urls_staff")),
    path("", include("certificates.urls")),
    path("", include("quizzes.urls")),
    path("", include("courses.urls")),
    path("", include("enrolments.urls")),
]

# The benchmark floor (bench/, docs/decisions/0401): only when the harness asks for it, never by default.
if os.environ.get("HALTUNG_BENCH_FLOOR", "").strip().lower() in {"1", "true", "yes", "on"}:
    from .bench_floor import floor

    urlpatterns.insert(0, path("bench/floor/", floor, name="bench_floor"))
