from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("learn/<int:enrollment_id>/certificate/", views.claim, name="claim"),
    path("certificates/<str:code>/", views.detail, name="detail"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
