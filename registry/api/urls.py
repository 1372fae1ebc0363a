from rest_framework.routers import SimpleRouter

from registry.api import views

router = SimpleRouter()
router.register("bases", views.BaseViewSet, basename="base")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("residencies", views.ResidencyViewSet, basename="residency")
router.register("titles", views.TitleViewSet, basename="title")

urlpatterns = router.urls
