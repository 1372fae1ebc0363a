from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("bases/", views.BaseListView.as_view(), name="base_list"),
    path("bases/<int:pk>/", views.BaseDetailView.as_view(), name="base_detail"),
    path("bases/<int:pk>/edit/", views.BaseEditView.as_view(), name="base_edit"),
    path("bases/<int:pk>/status/", views.BaseStatusView.as_view(), name="base_status"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/add/", views.EnterpriseCreateView.as_view(), name="enterprise_add"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("residencies/<int:pk>/end/", views.ResidencyEndView.as_view(), name="residency_end"),
]
