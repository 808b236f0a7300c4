from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm, RegistrationForm
from .http import AuthenticatedRequest


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
