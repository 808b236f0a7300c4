from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

# Log-in, registration and the reset request are django-allauth's views (throttled, no account enumeration,
# e-mail verification, second factor; docs/decisions/0701) under Haltung's URLs, names and templates.
urlpatterns = [
    path("register/", allauth_views.SignupView.as_view(template_name="accounts/register.html"), name="register"),
    path("profile/", views.profile, name="profile"),
    path("profile/delete/", views.delete_account, name="delete"),
    path("profile/data/", views.data_export, name="data_export"),
    path("profile/data/<int:export_id>/download/", views.data_export_download, name="data_export_download"),
    path("login/", allauth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The path of allauth's account_confirm_email, which its e-mails link to; this one is matched first and leads
    # on to where the registration started.
    path("confirm-email/<str:key>/", views.ConfirmEmailView.as_view(), name="confirm_email"),
    path(
        "password-reset/",
        allauth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html", success_url=reverse_lazy("accounts:password_reset_done")
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    # The link in welcome e-mails of bulk enrolment (Django's token); setting the password confirms the address.
    path(
        "password-reset/<uidb64>/<token>/",
        views.SetPasswordView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
