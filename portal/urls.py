from django.urls import path

from .views import accounts, dashboards

app_name = "portal"

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("login/", accounts.login_view, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("password/reset/", accounts.password_reset_view, name="password_reset"),
    path("password/reset/sent/", accounts.password_reset_done_view, name="password_reset_done"),
    path("password/set/<uidb64>/<token>/", accounts.password_set_view, name="password_set"),
    path("language/", accounts.set_language, name="set_language"),
    path("organization/", accounts.switch_organization, name="switch_organization"),
]
