"""Lists are paginated (DESIGN.md section 8): `?page=` from 1, `?page_size=` from 1 to 200. A
value that is not one of those answers 400 naming the parameter (the schema gives the bounds);
a page past the end answers 404."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .numbers import NumberError, parse_int


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _read(self, request, name: str, max_value: int | None) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        bounds = f"from 1 to {max_value}" if max_value else "from 1"
        message = f"Give {name} once, as a whole number {bounds}."
        if len(values) > 1:
            raise ValidationError({name: [message]})
        try:
            return parse_int(values[0], min_value=1, max_value=max_value)
        except NumberError as exc:
            raise ValidationError({name: [message]}) from exc

    def get_page_size(self, request):
        size = self._read(request, self.page_size_query_param, self.max_page_size)
        return self.page_size if size is None else size

    def get_page_number(self, request, paginator):
        number = self._read(request, self.page_query_param, None)
        return 1 if number is None else number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters
