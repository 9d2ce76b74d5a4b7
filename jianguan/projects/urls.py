from django.urls import path

from jianguan.projects import views, views_map, views_pages, views_register

app_name = "projects"

urlpatterns = [
    path("", views_register.register, name="register"),
    path("export.xlsx", views_register.register_export, name="export"),
    path("new/", views_pages.project_create, name="create"),
    path("map/", views_map.map_page, name="map"),
    path("map/points.json", views_map.map_points, name="map_points"),
    path("map/within.json", views_map.map_within, name="map_within"),
    path("map/near.json", views_map.map_near, name="map_near"),
    path("map/boundary/", views_map.boundary_upload, name="map_boundary"),
    path("people/<int:pk>/", views_pages.person_detail, name="person"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/sign.pdf", views_pages.sign_pdf, name="sign_pdf"),
    path("<int:pk>/transition/", views.project_transition, name="transition"),
    path("<int:pk>/documents/", views.project_documents, name="documents"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("<int:pk>/leads/", views.lead_file, name="lead_file"),
    path("<int:pk>/leads/<int:lead_pk>/<str:which>/", views.lead_document, name="lead_document"),
    path("<int:pk>/nodes/<int:node_pk>/inspect/", views.key_node_inspect, name="node_inspect"),
    path("<int:pk>/completion/", views.completion_sign, name="completion_sign"),
]
