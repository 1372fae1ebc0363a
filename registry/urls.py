from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("bases/", views.BaseListView.as_view(), name="base_list"),
    path("bases/<int:pk>/", views.BaseDetailView.as_view(), name="base_detail"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
]
