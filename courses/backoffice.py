"""What courses adds to the organization back office: the accreditations entry."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Called from ``CoursesConfig.ready``; idempotent."""
    from organizations.backoffice import Section, register_section
    from organizations.permissions import can_manage

    register_section(Section("accreditations", _("Accreditations"), "courses:accreditations", can_manage, order=20))
    from organizations.staff import StaffSection
    from organizations.staff import register_section as register_staff_section

    register_staff_section(StaffSection("courses", _("Courses"), "courses:staff_courses", order=20))
