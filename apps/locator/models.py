"""A partner's public listing in the partner locator (`/partners/find/`): what a buyer looking
for a partner may read — the name it goes by in public, a short description and a logo.

Whether a partner is listed at all is `Partner.listed_in_locator` (the partner admin opts in in
the portal); countries served and specializations are on the partner record too. Nothing else
of the partner is ever public."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.ids import RandomIdModel
from apps.core.uploads import random_name

MAX_DESCRIPTION = 600


def logo_path(instance: Listing, filename: str) -> str:
    # A random name: neither the uploader's file name nor the partner is readable in it.
    return random_name(filename, "locator/logos")


class Listing(RandomIdModel):
    """Numbered at random: its id is the partner's public address in the directory (the
    partner's own id would count the program's partners)."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="listing"
    )
    public_name = models.CharField(
        _("name in the directory"),
        max_length=200,
        blank=True,
        help_text=_("The name buyers see; your company's name when left empty."),
    )
    description = models.TextField(
        _("Short description"),
        max_length=MAX_DESCRIPTION,
        blank=True,
        help_text=_("What you do and for whom, in a few sentences."),
    )
    logo = models.FileField(_("Logo"), upload_to=logo_path, blank=True, max_length=200)
    # The kind the logo's content showed when it was checked (apps.core.uploads), served as such.
    logo_type = models.CharField(max_length=40, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("locator listing")

    def __str__(self) -> str:
        return self.public_name or str(self.partner_id)
