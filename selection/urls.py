from django.urls import path

from selection import docx_views, views
from selection.urls_notice import urlpatterns as notice_urlpatterns
from selection.urls_review import urlpatterns as review_urlpatterns

app_name = "selection"

urlpatterns = [
    path("calls/", views.CallListView.as_view(), name="call_list"),
    path("calls/add/", views.CallCreateView.as_view(), name="call_add"),
    path("calls/<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
    path("calls/<int:pk>/extra-slot/", views.CallExtraSlotView.as_view(), name="call_extra_slot"),
    path("calls/<int:pk>/precheck/", views.PrecheckView.as_view(), name="precheck"),
    path("calls/<int:pk>/apply/", views.ApplicationCreateView.as_view(), name="application_add"),
    path("calls/<int:pk>/precheck-live/", views.ApplicationLiveCheckView.as_view(), name="application_precheck_live"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/edit/", views.ApplicationEditView.as_view(), name="application_edit"),
    path("applications/<int:pk>/recommend/", views.ApplicationRecommendView.as_view(), name="application_recommend"),
    path("applications/<int:pk>/documents/", views.ApplicationDocumentView.as_view(), name="application_document"),
    path("applications/<int:pk>/work-plan/", views.WorkPlanView.as_view(), name="work_plan"),
    path("applications/<int:pk>/work-plan.docx", docx_views.WorkPlanDocxView.as_view(), name="work_plan_docx"),
    path("applications/<int:pk>/work-plan/upload/", docx_views.WorkPlanUploadView.as_view(), name="work_plan_upload"),
    path("applications/<int:pk>/goals/", views.GoalsView.as_view(), name="goals"),
    path("applications/<int:pk>/check/", views.ApplicationCheckView.as_view(), name="application_check"),
    path("applications/<int:pk>/submit/", views.ApplicationSubmitView.as_view(), name="application_submit"),
    path("applications/<int:pk>/roster/", views.ApplicationRosterView.as_view(), name="application_roster"),
]

urlpatterns += review_urlpatterns
urlpatterns += notice_urlpatterns
