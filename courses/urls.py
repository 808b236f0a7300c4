from django.urls import path

from . import views, views_backoffice, views_staff

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/about/", views.course_info, name="course_info"),
    path("principles/", views.principles, name="principles"),
    # The operator's staff back office: course ownership.
    path("staff/courses/", views_staff.course_list, name="staff_courses"),
    path("staff/courses/<int:course_id>/owner/", views_staff.course_owner, name="staff_course_owner"),
    # Organization back office: the accreditations an organization holds.
    path("org/<slug:org_slug>/accreditations/", views_backoffice.accreditation_list, name="accreditations"),
    path("org/<slug:org_slug>/accreditations/new/", views_backoffice.accreditation_create, name="accreditation_create"),
    path(
        "org/<slug:org_slug>/accreditations/<int:accreditation_id>/",
        views_backoffice.accreditation_edit,
        name="accreditation_edit",
    ),
    path(
        "org/<slug:org_slug>/versions/<int:version_id>/retire/", views_backoffice.version_retire, name="version_retire"
    ),
    path("staff/versions/<int:version_id>/retire/", views_staff.version_retire, name="staff_version_retire"),
]
