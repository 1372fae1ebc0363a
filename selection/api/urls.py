from rest_framework.routers import SimpleRouter

from selection.api import review, views

router = SimpleRouter()
router.register("calls", views.CallViewSet, basename="call")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("review-stages", review.ReviewStageViewSet, basename="review-stage")
router.register("stage-entries", review.StageEntryViewSet, basename="stage-entry")
router.register("assignments", review.AssignmentViewSet, basename="assignment")

urlpatterns = router.urls
