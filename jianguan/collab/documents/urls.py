from django.urls import path

from jianguan.collab.documents.views import pages, transmittals

app_name = "collab_documents"

urlpatterns = [
    path("", pages.index_page, name="index"),
    path("projects/<int:pk>/", pages.project_page, name="project"),
    path("projects/<int:pk>/folders/", pages.folder_create, name="folder_create"),
    path("projects/<int:pk>/upload/", pages.upload_page, name="upload"),
    path("projects/<int:pk>/drawings/", pages.drawings_page, name="drawings"),
    path(
        "projects/<int:pk>/transmittals/", transmittals.transmittal_list_page, name="transmittals"
    ),
    path(
        "projects/<int:pk>/transmittals/new/",
        transmittals.transmittal_new_page,
        name="transmittal_new",
    ),
    path("documents/<int:pk>/", pages.document_page, name="document"),
    path("documents/<int:pk>/upload/", pages.version_upload_page, name="version_upload"),
    path("versions/<int:pk>/file/", pages.version_file, name="version_file"),
    path("transmittals/<int:pk>/", transmittals.transmittal_page, name="transmittal"),
    path(
        "transmittals/<int:pk>/acknowledge/",
        transmittals.transmittal_acknowledge,
        name="transmittal_acknowledge",
    ),
]
