from django.urls import path

from jianguan.bim.views import bcf, boq, clashes, index, revisions

app_name = "bim"

urlpatterns = [
    path("", index.index_page, name="index"),
    path("projects/<int:pk>/", revisions.project_page, name="project"),
    path("projects/<int:pk>/upload/", revisions.upload_page, name="upload"),
    path("projects/<int:pk>/clash-sets/", clashes.clash_sets_page, name="clash_sets"),
    path("projects/<int:pk>/boq/", boq.boq_page, name="boq"),
    path("revisions/<int:pk>/", revisions.revision_page, name="revision"),
    path("revisions/<int:pk>/quantities/", revisions.quantities_page, name="quantities"),
    path("revisions/<int:pk>/3d/", revisions.revision_view_page, name="revision_view"),
    path("revisions/<int:pk>/view.json", revisions.revision_view_json, name="revision_view_json"),
    path("clash-sets/<int:pk>/", clashes.clash_set_page, name="clash_set"),
    path("clash-sets/<int:pk>/run/", clashes.clash_run, name="clash_run"),
    path("clash-sets/<int:pk>/bcf/", bcf.bcf_export, name="bcf_export"),
    path("clash-sets/<int:pk>/bcf/import/", bcf.bcf_import, name="bcf_import"),
    path("clashes/<int:pk>/", clashes.clash_page, name="clash"),
    path("clashes/<int:pk>/act/", clashes.clash_act, name="clash_act"),
    path("clashes/<int:pk>/comment/", clashes.clash_comment, name="clash_comment"),
    path("clashes/<int:pk>/view.json", clashes.clash_view, name="clash_view"),
    path("comments/<int:pk>/photo/", clashes.comment_photo, name="comment_photo"),
]
