from rest_framework.routers import SimpleRouter

from core.api.changelog import ChangeLogViewSet

router = SimpleRouter()
router.register("changelog", ChangeLogViewSet, basename="changelog")

urlpatterns = router.urls
