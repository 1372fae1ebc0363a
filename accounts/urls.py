from django.urls import path

from accounts.views import accounts, own, policy, signin

app_name = "accounts"

urlpatterns = [
    path("login/", signin.LoginView.as_view(), name="login"),
    path("login/verify/", signin.SecondFactorView.as_view(), name="second_factor"),
    path("logout/", signin.LogoutView.as_view(), name="logout"),
    path("me/", own.MyAccountView.as_view(), name="me"),
    path("me/password/", own.PasswordChangeView.as_view(), name="password_change"),
    path("me/tokens/<str:token_key>/revoke/", own.TokenRevokeView.as_view(), name="token_revoke"),
    path("users/", accounts.UserListView.as_view(), name="user_list"),
    path("users/add/", accounts.AccountCreateView.as_view(), name="user_add"),
    path("users/<int:pk>/", accounts.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", accounts.AccountEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/disable/", accounts.DisableView.as_view(), name="user_disable"),
    path("users/<int:pk>/enable/", accounts.EnableView.as_view(), name="user_enable"),
    path("users/<int:pk>/reset-password/", accounts.ResetPasswordView.as_view(), name="user_reset_password"),
    path("users/<int:pk>/unlock/", accounts.UnlockView.as_view(), name="user_unlock"),
    path("security-policy/", policy.SecurityPolicyView.as_view(), name="security_policy"),
    path("security-policy/edit/", policy.SecurityPolicyEditView.as_view(), name="security_policy_edit"),
]
