from __future__ import annotations

from django.contrib import admin

from apps.program.models import ExchangeRate, Tier
from apps.program.money import base_currency

from .forms import ExchangeRateForm, TierForm
from .models import TierChange, TierProposal, TierStanding
from .services import tier_delete, tier_usage


class TierAdmin(admin.ModelAdmin):
    """Tiers in Django admin, with the same validation as the program settings pages."""

    form = TierForm
    list_display = [
        "rank",
        "name",
        "min_won_value",
        "min_won_deals",
        "protection_days",
        "discount_percent",
        "rebate_percent",
        "qbr_cadence_months",
    ]
    ordering = ["rank"]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not tier_usage(obj))

    def delete_model(self, request, obj):
        tier_delete(tier=obj)

    def delete_queryset(self, request, queryset):
        for tier in queryset:
            tier_delete(tier=tier)


# The program app owns the Tier model; if it registers no admin of its own, this one serves.
if not admin.site.is_registered(Tier):
    admin.site.register(Tier, TierAdmin)


class ExchangeRateAdminForm(ExchangeRateForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("base_currency", base_currency())
        super().__init__(*args, **kwargs)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateAdminForm
    list_display = ["currency", "rate_to_base", "effective_date"]
    list_filter = ["currency"]
    ordering = ["currency", "-effective_date"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TierProposal)
class TierProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "partner",
        "direction",
        "current_tier_name",
        "proposed_tier_name",
        "status",
        "created_at",
    ]
    list_filter = ["status", "direction"]
    list_select_related = ["partner"]


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin):
    list_display = ["partner", "from_tier_name", "to_tier_name", "direction", "actor", "at"]
    list_filter = ["direction"]
    list_select_related = ["partner", "actor"]


@admin.register(TierStanding)
class TierStandingAdmin(ReadOnlyAdmin):
    list_display = [
        "partner",
        "qualifying_tier",
        "won_value",
        "won_deals",
        "short_since",
        "evaluated_at",
    ]
    list_select_related = ["partner", "qualifying_tier"]
