from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import PartnerRole

from .models import Contact, ContactRole


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ContactRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    partner_role = forms.ChoiceField(
        label=_("Role in the company"),
        choices=PartnerRole.choices,
        initial=PartnerRole.MEMBER,
        help_text=_(
            "Admin: the team, contacts and agreements. Member: registers deals. "
            "Finance: agreements and money."
        ),
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["contact"])
        field.queryset = (
            Contact.objects.filter(partner=partner, user__isnull=True).order_by("name")
            if partner is not None
            else Contact.objects.none()
        )


class PartnerRoleForm(forms.Form):
    partner_role = forms.ChoiceField(label=_("Role in the company"), choices=PartnerRole.choices)


class AcceptForm(forms.Form):
    """The invitee's own username and password (Django's validators run in the service)."""

    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
