from django.urls import path

from registry.views import bases, enterprises, signups

app_name = "registry"

urlpatterns = [
    path("bases/", bases.BaseListView.as_view(), name="base_list"),
    path("bases/<int:pk>/", bases.BaseDetailView.as_view(), name="base_detail"),
    path("bases/<int:pk>/edit/", bases.BaseEditView.as_view(), name="base_edit"),
    path("bases/<int:pk>/status/", bases.BaseStatusView.as_view(), name="base_status"),
    path("enterprises/", enterprises.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/add/", enterprises.EnterpriseCreateView.as_view(), name="enterprise_add"),
    path("enterprises/<int:pk>/", enterprises.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprises.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("residencies/<int:pk>/end/", enterprises.ResidencyEndView.as_view(), name="residency_end"),
    path("register/", signups.SignupView.as_view(), name="signup"),
    path("signups/", signups.SignupListView.as_view(), name="signup_list"),
    path("signups/<int:pk>/", signups.SignupDetailView.as_view(), name="signup_detail"),
    path("signups/<int:pk>/decide/", signups.SignupDecideView.as_view(), name="signup_decide"),
]
