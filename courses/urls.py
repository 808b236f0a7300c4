from django.urls import path

from . import views, views_backoffice

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/about/", views.course_info, name="course_info"),
    path("principles/", views.principles, name="principles"),
    # Organization back office: the accreditations an organization holds.
    path("org/<slug:org_slug>/accreditations/", views_backoffice.accreditation_list, name="accreditations"),
    path("org/<slug:org_slug>/accreditations/new/", views_backoffice.accreditation_create, name="accreditation_create"),
    path(
        "org/<slug:org_slug>/accreditations/<int:accreditation_id>/",
        views_backoffice.accreditation_edit,
        name="accreditation_edit",
    ),
]
