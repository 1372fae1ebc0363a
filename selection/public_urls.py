"""Public pages of the notices (公示), without sign-in: mounted at /notices/ by ecbase/urls.py."""

from django.urls import path

from selection.views import notice as v

app_name = "notices"

urlpatterns = [
    path("", v.PublicNoticeListView.as_view(), name="list"),
    path("<int:pk>/", v.PublicNoticeView.as_view(), name="detail"),
    path("<int:pk>/notice.docx", v.PublicDocxView.as_view(), name="docx"),
    path("<int:pk>/list.docx", v.PublicListDocxView.as_view(), name="list_docx"),
]
