from rest_framework.routers import SimpleRouter

from selection.api import notices, review, views

router = SimpleRouter()
router.register("calls", views.CallViewSet, basename="call")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("review-stages", review.ReviewStageViewSet, basename="review-stage")
router.register("stage-entries", review.StageEntryViewSet, basename="stage-entry")
router.register("assignments", review.AssignmentViewSet, basename="assignment")
router.register("notices", notices.NoticeViewSet, basename="notice")
router.register("objections", notices.ObjectionViewSet, basename="objection")

urlpatterns = router.urls
