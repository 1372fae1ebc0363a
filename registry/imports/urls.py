from django.urls import path

from registry.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/errors.xlsx", views.JobErrorsView.as_view(), name="job_errors"),
    path("<str:kind>/", views.UploadView.as_view(), name="upload"),
    path("<str:kind>/template.xlsx", views.TemplateView.as_view(), name="template"),
]
