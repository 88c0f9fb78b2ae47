from django.contrib import admin

from .models import Listing


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["partner", "public_name", "updated_at"]
    search_fields = ["public_name", "partner__name"]
    raw_id_fields = ["partner"]
