from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import returnto, security, services
from .forms import ProfileForm
from .http import AuthenticatedRequest
from .models import DataExport, SignInEvent

RECENT_EVENTS = 10


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    events = SignInEvent.objects.filter(user=request.user)[:RECENT_EVENTS]
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "events": events,
            "has_second_factor": security.user_has_second_factor(request.user),
            "needs_second_factor": security.requires_second_factor(request.user),
        },
    )


class SetPasswordView(PasswordResetConfirmView):
    """Django's reset link (welcome e-mails): the new password also confirms the address and lifts a lockout."""

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        services.confirm_email(self.user, request=self.request)
        security.record(self.request, SignInEvent.Kind.PASSWORD_RESET, user=self.user)
        return response


@login_required
@reauthentication_required
def delete_account(request: AuthenticatedRequest) -> HttpResponse:
    """Erase the account after the password is confirmed; certificates stay verifiable under a pseudonym."""
    error = ""
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):
            user = request.user
            logout(request)
            services.erase_account(user, by=user)
            messages.success(request, _("Your account has been erased."))
            return redirect("courses:catalogue")
        error = _("The password is not correct.")
    return render(request, "accounts/delete.html", {"error": error}, status=400 if error else 200)


@login_required
def data_export(request: AuthenticatedRequest) -> HttpResponse:
    """The learner asks for a copy of all their data and downloads it when it is ready."""
    if request.method == "POST":
        services.request_data_export(request.user, by=request.user)
        messages.success(
            request, _("Your data is being put together. This page shows the download as soon as it is ready.")
        )
        return redirect("accounts:data_export")
    exports = DataExport.objects.for_user(request.user)[:5]
    return render(
        request,
        "accounts/data_export.html",
        {"exports": exports, "hours": settings.HALTUNG_DATA_EXPORT_HOURS, "now": timezone.now()},
    )


@login_required
def data_export_download(request: AuthenticatedRequest, export_id: int) -> FileResponse:
    # Someone else's export, or one whose time is up, answers 404 alike.
    export = get_object_or_404(DataExport.objects.for_user(request.user), pk=export_id)
    if not export.available():
        raise Http404
    services.record_data_export_download(export)
    # The day in the site's time zone, not UTC: between midnight in Berlin and midnight UTC they differ.
    filename = f"haltung-data-{timezone.localdate(export.finished_at):%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip")


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth's confirmation page; confirmed in a browser without the registration's session, the learner is
    asked to log in and then lands on the page the registration started from (docs/decisions/0614)."""

    def get_redirect_url(self) -> str:
        url = self.get_next_url()
        if url and not self.request.user.is_authenticated:
            return returnto.login_url(url)
        return super().get_redirect_url()
