from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device


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
                raise forms.ValidationError(
                    _("Enter the current code from your authenticator app."), code="otp"
                )
            self.otp_device = device


class TOTPConfirmForm(forms.Form):
    token = forms.CharField(label=_("Code from the app"), max_length=8)
