"""The ministry's pages of the proposed list, its public notice, objections and designation
(mounted under /selection/ by selection/urls.py)."""

from django.urls import path

from selection import views_notice as v

urlpatterns = [
    path("calls/<int:pk>/notice/", v.NoticeDraftView.as_view(), name="notice_draft"),
    path("notices/<int:pk>/", v.NoticeDetailView.as_view(), name="notice_detail"),
    path("notices/<int:pk>/publish/", v.NoticePublishView.as_view(), name="notice_publish"),
    path("notices/<int:pk>/designate/", v.NoticeDesignateView.as_view(), name="notice_designate"),
    path("notices/<int:pk>/objections/", v.ObjectionListView.as_view(), name="notice_objections"),
    path("notices/<int:pk>/notice.docx", v.NoticeDocxView.as_view(), name="notice_docx"),
    path("notices/<int:pk>/list.docx", v.ListDocxView.as_view(), name="notice_list_docx"),
    path("objections/<int:pk>/rule/", v.ObjectionRuleView.as_view(), name="objection_rule"),
]
