from django.urls import path

from selection.views import applications, docx, notice, review

app_name = "selection"

urlpatterns = [
    path("calls/", applications.CallListView.as_view(), name="call_list"),
    path("calls/add/", applications.CallCreateView.as_view(), name="call_add"),
    path("calls/<int:pk>/", applications.CallDetailView.as_view(), name="call_detail"),
    path("calls/<int:pk>/extra-slot/", applications.CallExtraSlotView.as_view(), name="call_extra_slot"),
    path("calls/<int:pk>/precheck/", applications.PrecheckView.as_view(), name="precheck"),
    path("calls/<int:pk>/apply/", applications.ApplicationCreateView.as_view(), name="application_add"),
    path(
        "calls/<int:pk>/precheck-live/",
        applications.ApplicationLiveCheckView.as_view(),
        name="application_precheck_live",
    ),
    path("applications/<int:pk>/", applications.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/edit/", applications.ApplicationEditView.as_view(), name="application_edit"),
    path(
        "applications/<int:pk>/recommend/",
        applications.ApplicationRecommendView.as_view(),
        name="application_recommend",
    ),
    path(
        "applications/<int:pk>/documents/", applications.ApplicationDocumentView.as_view(), name="application_document"
    ),
    path("applications/<int:pk>/work-plan/", applications.WorkPlanView.as_view(), name="work_plan"),
    path("applications/<int:pk>/work-plan.docx", docx.WorkPlanDocxView.as_view(), name="work_plan_docx"),
    path("applications/<int:pk>/work-plan/upload/", docx.WorkPlanUploadView.as_view(), name="work_plan_upload"),
    path("applications/<int:pk>/goals/", applications.GoalsView.as_view(), name="goals"),
    path("applications/<int:pk>/check/", applications.ApplicationCheckView.as_view(), name="application_check"),
    path("applications/<int:pk>/submit/", applications.ApplicationSubmitView.as_view(), name="application_submit"),
    path("applications/<int:pk>/roster/", applications.ApplicationRosterView.as_view(), name="application_roster"),
    # Expert review
    path("calls/<int:pk>/stages/add/", review.StageOpenView.as_view(), name="stage_add"),
    path("stages/", review.StageListView.as_view(), name="stage_list"),
    path("stages/<int:pk>/", review.StageDetailView.as_view(), name="stage_detail"),
    path("stages/<int:pk>/close/", review.StageCloseView.as_view(), name="stage_close"),
    path("stages/<int:pk>/auto-assign/", review.StageAutoAssignView.as_view(), name="stage_auto_assign"),
    path("stage-entries/<int:pk>/assign/", review.EntryAssignView.as_view(), name="entry_assign"),
    path("stage-entries/<int:pk>/auto-assign/", review.EntryAutoAssignView.as_view(), name="entry_auto_assign"),
    path("stage-entries/<int:pk>/decide/", review.EntryDecideView.as_view(), name="entry_decide"),
    path("stage-entries/<int:pk>/schedule/", review.EntryScheduleView.as_view(), name="entry_schedule"),
    path("experts/", review.ExpertListView.as_view(), name="expert_list"),
    path("experts/add/", review.ExpertEditView.as_view(), name="expert_add"),
    path("experts/<int:pk>/edit/", review.ExpertEditView.as_view(), name="expert_edit"),
    path("reviews/", review.MyReviewsView.as_view(), name="my_reviews"),
    path("reviews/<int:pk>/", review.ScoreSheetView.as_view(), name="score_sheet"),
    # Proposed list, public notice, objections, designation
    path("calls/<int:pk>/notice/", notice.NoticeDraftView.as_view(), name="notice_draft"),
    path("notices/<int:pk>/", notice.NoticeDetailView.as_view(), name="notice_detail"),
    path("notices/<int:pk>/publish/", notice.NoticePublishView.as_view(), name="notice_publish"),
    path("notices/<int:pk>/designate/", notice.NoticeDesignateView.as_view(), name="notice_designate"),
    path("notices/<int:pk>/objections/", notice.ObjectionListView.as_view(), name="notice_objections"),
    path("notices/<int:pk>/notice.docx", notice.NoticeDocxView.as_view(), name="notice_docx"),
    path("notices/<int:pk>/list.docx", notice.ListDocxView.as_view(), name="notice_list_docx"),
    path("objections/<int:pk>/rule/", notice.ObjectionRuleView.as_view(), name="objection_rule"),
]
