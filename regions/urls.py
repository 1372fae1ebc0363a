from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("quota-units/", views.QuotaUnitListView.as_view(), name="quotaunit_list"),
    path("demo-cities/", views.DemoCityListView.as_view(), name="democity_list"),
    path("demo-cities/add/", views.DemoCityEditView.as_view(), name="democity_add"),
    path("demo-cities/<int:pk>/", views.DemoCityEditView.as_view(), name="democity_edit"),
]
