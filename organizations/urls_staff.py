from django.urls import path

from . import views_staff

app_name = "staff"

urlpatterns = [
    path("organizations/", views_staff.organization_list, name="organizations"),
    path("organizations/new/", views_staff.organization_create, name="organization_create"),
    path("organizations/<slug:slug>/", views_staff.organization_detail, name="organization"),
]
