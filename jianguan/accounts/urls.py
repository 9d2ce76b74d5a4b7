from django.urls import path

from jianguan.accounts import views
from jianguan.accounts.onboarding import views as onboarding
from jianguan.accounts.onboarding import views_people as people

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    # Onboarding (accounts/onboarding): the application, its status page, the review.
    path("apply/", onboarding.apply, name="apply"),
    path("apply/<str:number>/<str:token>/", onboarding.apply_status, name="apply_status"),
    path("applications/", onboarding.application_list, name="application_list"),
    path("applications/<int:pk>/", onboarding.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/licence/",
        onboarding.application_licence,
        name="application_licence",
    ),
    # People: the organisation administrator's staff, the personal centre, password reset.
    path("staff/", people.staff_list, name="staff_list"),
    path("staff/invite/", people.staff_invite, name="staff_invite"),
    path("staff/<int:pk>/", people.staff_detail, name="staff_detail"),
    path("me/", people.me, name="me"),
    path("me/password/", people.me_password, name="me_password"),
    path("password-reset/", people.password_reset, name="password_reset"),
    path("password-reset/sent/", people.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", people.password_reset_confirm, name="password_reset_confirm"),
    path("reset/done/", people.password_reset_complete, name="password_reset_complete"),
]
