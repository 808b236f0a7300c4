from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm, RegistrationForm
from .http import AuthenticatedRequest
from .models import DataExport


@login_not_required
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("certificates:dashboard")
    form = RegistrationForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.register_user(
            email=data["email"],
            name=data["name"],
            password=data["password1"],
            efn=data["efn"],
            licence_number=data["licence_number"],
            language=data["language"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.name})
        return redirect("courses:catalogue")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
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
    filename = f"haltung-data-{export.finished_at:%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip")
