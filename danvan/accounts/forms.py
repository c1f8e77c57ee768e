from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from danvan.accounts.models import Role, User
from danvan.lib.dates import DateField, DateInput


class LoginForm(AuthenticationForm):
    """Username and password, plus the authenticator code for users who turned TOTP on."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        help_text=_("Only if you turned on two-step verification."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user_has_device(user, confirmed=True):
            token = (self.cleaned_data.get("otp_token") or "").strip()
            device = match_token(user, token) if token else None
            if device is None:
                # A wrong code counts as a failed login, so guessing codes leads to lockout.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username()},
                    request=self.request,
                )
                raise forms.ValidationError(
                    _("Enter the current code from your authenticator app."), code="otp"
                )
            self.otp_device = device


class TOTPConfirmForm(forms.Form):
    token = forms.CharField(label=_("Code from the app"), max_length=8)


class AssignRoleForm(forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    valid_from = DateField(label=_("From"), required=False, widget=DateInput())
    valid_to = DateField(label=_("To"), required=False, widget=DateInput())

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active account with this login name."))
        self.user = user
        return username

    def clean(self):
        data = super().clean()
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            raise forms.ValidationError(_("The end date is before the start date."))
        return data
