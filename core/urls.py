from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("changelog/", views.ChangeLogListView.as_view(), name="changelog_list"),
    path(
        "history/<str:app_label>/<str:model_name>/<str:pk>/", views.ObjectHistoryView.as_view(), name="object_history"
    ),
]
