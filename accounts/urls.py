from django.urls import path

from accounts.views import signin

app_name = "accounts"

urlpatterns = [
    path("login/", signin.LoginView.as_view(), name="login"),
    path("login/verify/", signin.SecondFactorView.as_view(), name="second_factor"),
    path("logout/", signin.LogoutView.as_view(), name="logout"),
]
