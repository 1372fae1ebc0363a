from django.urls import path

from regions.views import cities, divisions

app_name = "regions"

urlpatterns = [
    path("regions/", divisions.RegionListView.as_view(), name="region_list"),
    path("quota-units/", divisions.QuotaUnitListView.as_view(), name="quotaunit_list"),
    path("demo-cities/", cities.DemoCityListView.as_view(), name="democity_list"),
    path("demo-cities/add/", cities.DemoCityEditView.as_view(), name="democity_add"),
    path("demo-cities/<int:pk>/", cities.DemoCityEditView.as_view(), name="democity_edit"),
]
