from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        # The back office's own navigation; higher apps add theirs from their ready().
        from .backoffice import Section, register_section
        from .permissions import can_export, can_manage, can_use_backoffice, can_view_audit

        for section in (
            Section("overview", _("Overview"), "organizations:overview", can_use_backoffice, order=0),
            Section("members", _("Members"), "organizations:members", can_manage, order=50),
            Section("exports", _("Exports"), "organizations:exports", can_export, order=80),
            Section("audit", _("Audit log"), "organizations:audit", can_view_audit, order=90),
            Section("settings", _("Settings"), "organizations:settings", can_manage, order=95),
        ):
            register_section(section)

        from .staff import StaffSection
        from .staff import register_section as register_staff_section

        register_staff_section(StaffSection("organizations", _("Organizations"), "staff:organizations", order=10))

        from accounts import erasure
        from accounts.security import register_second_factor_rule

        from .models import Membership

        # Administrators sign in with a second factor (accounts.security; docs/decisions/0701).
        register_second_factor_rule(
            lambda user: Membership.objects.filter(user=user, role=Membership.Role.ADMIN).exists()
        )

        from .services import forget_memberships

        erasure.register(forget_memberships)

        from accounts import data_export

        from .data_export import export_organizations

        data_export.register(export_organizations)
