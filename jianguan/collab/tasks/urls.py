from django.urls import path

from jianguan.collab.tasks import views
from jianguan.collab.tasks.meetings import views as meetings

app_name = "collab_tasks"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("projects/<int:pk>/", views.board, name="board"),
    path("projects/<int:pk>/new/", views.task_new, name="new"),
    path("<int:pk>/", views.task_page, name="task"),
    path("<int:pk>/act/", views.task_act, name="task_act"),
    path("<int:pk>/files/<int:file_id>/", views.attachment, name="attachment"),
    path("projects/<int:pk>/meetings/", meetings.meeting_list, name="meetings"),
    path("projects/<int:pk>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_page, name="meeting"),
    path("meetings/<int:pk>/act/", meetings.meeting_act, name="meeting_act"),
]
