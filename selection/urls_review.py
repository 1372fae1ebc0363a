"""URLs of the expert review pages (selection.views_review), part of the "selection" namespace."""

from django.urls import path

from selection import views_review as v

urlpatterns = [
    path("calls/<int:pk>/stages/add/", v.StageOpenView.as_view(), name="stage_add"),
    path("stages/", v.StageListView.as_view(), name="stage_list"),
    path("stages/<int:pk>/", v.StageDetailView.as_view(), name="stage_detail"),
    path("stages/<int:pk>/close/", v.StageCloseView.as_view(), name="stage_close"),
    path("stages/<int:pk>/auto-assign/", v.StageAutoAssignView.as_view(), name="stage_auto_assign"),
    path("stage-entries/<int:pk>/assign/", v.EntryAssignView.as_view(), name="entry_assign"),
    path("stage-entries/<int:pk>/auto-assign/", v.EntryAutoAssignView.as_view(), name="entry_auto_assign"),
    path("stage-entries/<int:pk>/decide/", v.EntryDecideView.as_view(), name="entry_decide"),
    path("stage-entries/<int:pk>/schedule/", v.EntryScheduleView.as_view(), name="entry_schedule"),
    path("experts/", v.ExpertListView.as_view(), name="expert_list"),
    path("experts/add/", v.ExpertEditView.as_view(), name="expert_add"),
    path("experts/<int:pk>/edit/", v.ExpertEditView.as_view(), name="expert_edit"),
    path("reviews/", v.MyReviewsView.as_view(), name="my_reviews"),
    path("reviews/<int:pk>/", v.ScoreSheetView.as_view(), name="score_sheet"),
]
