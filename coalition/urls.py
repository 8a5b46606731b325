from __future__ import annotations

from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from signatories import views as signatories_views

from . import health, languages, media
from .admin import view_on_site

# Staff sign in through allauth's login, so the admin gets its rate limits too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
# The moderators work in the endorsement queue: the navigation sidebar took half of a laptop's
# width from it (every admin page is reachable from the home page and the breadcrumbs).
admin.site.enable_nav_sidebar = False

# Only the allauth views the product uses. Accounts are made by signing a letter, and an
# account has the one address it signed with: no sign-up page, and no page to add, remove or
# re-verify addresses (where an account could capture a stranger's address).
accounts = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("login/code/", account_views.request_login_code, name="account_request_login_code"),
    path(
        "login/code/confirm/", account_views.confirm_login_code, name="account_confirm_login_code"
    ),
    path(
        "confirm-email/",
        account_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        signatories_views.email_confirm,
        name="account_confirm_email",
    ),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("password/set/", account_views.password_set, name="account_set_password"),
    path("password/reset/", account_views.password_reset, name="account_reset_password"),
    path(
        "password/reset/done/",
        account_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        account_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    # Where allauth sends people who ask to sign up: to the letters, which is where one signs.
    path(
        "signup/",
        RedirectView.as_view(pattern_name="letters:home"),
        name="account_signup",
    ),
]

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    # Before the admin's own route of the same address, which it replaces.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("i18n/choose/<str:code>/", languages.language_choose, name="language_choose"),
    path("", include("letters.data_urls")),
    path("media/<path:path>", media.media, name="media"),
    # Mailed in every update and named in its List-Unsubscribe header: one address whatever
    # the language (the page speaks the recipient's).
    path(
        "updates/unsubscribe/<str:token>/",
        signatories_views.updates_unsubscribe,
        name="updates_unsubscribe",
    ),
    # The pages: English unprefixed (every existing link keeps working), the other
    # languages under /pt-br/, /es/, /fr/, /ar/.
    *i18n_patterns(
        path("", include("signatories.urls")),
        path("", include("letters.urls")),
        prefix_default_language=False,
    ),
]

handler500 = "coalition.errors.server_error"
