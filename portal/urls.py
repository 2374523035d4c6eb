from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
]

from django.contrib.auth import views as auth_views  # noqa: E402

urlpatterns += [
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/password_set.html", success_url="/login/"
        ),
        name="password_set",
    ),
]
