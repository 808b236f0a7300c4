from django.urls import path, re_path

from . import views, views_exports

app_name = "organizations"

urlpatterns = [
    path("", views.index, name="index"),
    # A signed token always holds a ":", which no organization slug can, so the two never collide.
    re_path(r"^invitations/(?P<token>[^/]*:[^/]*)/$", views.accept, name="accept"),
    path("memberships/<int:membership_id>/leave/", views.leave, name="leave"),
    path("<slug:org_slug>/", views.overview, name="overview"),
    path("<slug:org_slug>/settings/", views.settings_view, name="settings"),
    path("<slug:org_slug>/members/", views.members, name="members"),
    path("<slug:org_slug>/members/invite/", views.invite, name="invite"),
    path("<slug:org_slug>/members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("<slug:org_slug>/members/<int:membership_id>/remove/", views.remove_member, name="remove_member"),
    path("<slug:org_slug>/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("<slug:org_slug>/audit/", views.audit_log, name="audit"),
    path("<slug:org_slug>/exports/", views_exports.exports, name="exports"),
    path("<slug:org_slug>/exports/<int:run_id>/", views_exports.export_detail, name="export_detail"),
    path("<slug:org_slug>/exports/<int:run_id>/progress/", views_exports.export_progress, name="export_progress"),
    path("<slug:org_slug>/exports/<int:run_id>/download/", views_exports.export_download, name="export_download"),
    path("<slug:org_slug>/exports/schedules/", views_exports.schedule_save, name="schedule_save"),
    path(
        "<slug:org_slug>/exports/schedules/<int:schedule_id>/delete/",
        views_exports.schedule_delete,
        name="schedule_delete",
    ),
]
