from rest_framework.routers import SimpleRouter

from regions.api import views

router = SimpleRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("quota-units", views.QuotaUnitViewSet, basename="quotaunit")
router.register("demo-cities", views.DemoCityViewSet, basename="democity")

urlpatterns = router.urls
