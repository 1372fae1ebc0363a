from rest_framework.routers import SimpleRouter

from selection.api import views

router = SimpleRouter()
router.register("calls", views.CallViewSet, basename="call")
router.register("applications", views.ApplicationViewSet, basename="application")

urlpatterns = router.urls
