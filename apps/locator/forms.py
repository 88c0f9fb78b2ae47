"""The locator's forms: the partner admin's listing, and the public's two contact forms (a
partner named, or "find me a partner"). The rules are the services'; these shape the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.applications.forms import HoneypotForm
from apps.core.iso import country_choices

from .models import MAX_DESCRIPTION

MAX_NEED = 2000


def _countries() -> list[tuple[str, str]]:
    """Named in the language of the request, so read when the form is drawn."""
    return [("", str(_("Choose…"))), *country_choices()]


class ListingForm(forms.Form):
    listed = forms.BooleanField(
        label=_("List our company in the public partner directory"),
        required=False,
        help_text=_(
            "Buyers see the public name, description and logo below, the countries you serve, "
            "your specializations and your tier. Nothing else."
        ),
    )
    public_name = forms.CharField(
        label=_("Name in the directory"),
        max_length=200,
        required=False,
        help_text=_("The name buyers see; your company's name when left empty."),
    )
    description = forms.CharField(
        label=_("Short description"),
        max_length=MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you do and for whom, in a few sentences."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 1 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)


class ContactForm(HoneypotForm):
    """Both public forms: to one partner (the URL names it) or to whoever the rules choose."""

    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    company = forms.CharField(label=_("Company"), max_length=200)
    contact_email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    country = forms.ChoiceField(label=_("Country"), choices=_countries)
    need = forms.CharField(
        label=_("What do you need?"),
        max_length=MAX_NEED,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The product or project, and when you need it."),
    )
