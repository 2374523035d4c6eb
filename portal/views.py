from django.contrib.auth import views as auth_views
from django.http import HttpResponse

login_view = auth_views.LoginView.as_view(template_name="portal/login.html")


def home(request):
    return HttpResponse("Fairlink")
