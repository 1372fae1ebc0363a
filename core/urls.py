from django.urls import path

from core import calendar_views, chain_views, exportjobs, views

app_name = "core"

urlpatterns = [
    path("changelog/", views.ChangeLogListView.as_view(), name="changelog_list"),
    path("changelog/integrity/", chain_views.ChainStatusView.as_view(), name="chain_status"),
    path("changelog/integrity/verify/", chain_views.ChainVerifyView.as_view(), name="chain_verify"),
    path("exports/<int:pk>/", exportjobs.ExportJobView.as_view(), name="export_job"),
    path("exports/<int:pk>/file/", exportjobs.ExportJobFileView.as_view(), name="export_job_file"),
    path("calendar/", calendar_views.CalendarListView.as_view(), name="calendar_list"),
    path("calendar/<int:year>/", calendar_views.CalendarYearView.as_view(), name="calendar_year"),
    path(
        "history/<str:app_label>/<str:model_name>/<str:pk>/", views.ObjectHistoryView.as_view(), name="object_history"
    ),
]
