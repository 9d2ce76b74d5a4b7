from django.urls import path

from jianguan.workbench.search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
