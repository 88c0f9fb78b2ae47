"""Lists are paginated (DESIGN.md section 8): `?page=` from 1, `?page_size=` from 1, of which at
most 200 are given (a larger size gives 200, as it always has: clients rely on it). A value
that is not a whole number from 1 (or is sent twice) answers 400 naming the parameter; the
schema says so. A page past the end answers 404."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .numbers import NumberError, parse_int


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _read(self, request, name: str) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        message = _("Give %(name)s once, as a whole number from 1.") % {"name": name}
        if len(values) > 1:
            raise ValidationError({name: [message]})
        text = values[0].strip()
        if text.isascii() and text.isdigit() and len(text) > 18 and text.lstrip("0"):
            # A whole number past any page and any page size (the schema's integer has no upper
            # bound): the last page size, or a page past the end (404).
            return 10**18
        try:
            return parse_int(values[0], min_value=1, max_value=None)
        except NumberError as exc:
            raise ValidationError({name: [message]}) from exc

    def get_page_size(self, request):
        size = self._read(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        number = self._read(request, self.page_query_param)
        return 1 if number is None else number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page, from 1; at most {self.max_page_size} are given."
                )
        return parameters
