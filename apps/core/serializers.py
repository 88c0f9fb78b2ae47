"""What a partner user may see and send through the API (DESIGN.md section 1: a partner user never
sees another partner's data, nor the vendor's own assessment of it).

Every API serializer that a partner user can reach derives from `RoleFieldsSerializer` (or mixes
in `RoleFieldsMixin`) and names, once, the fields only staff read (`staff_only_fields`) and the
fields only staff set (`staff_only_input`: a partner user's value is dropped unread, never
validated, so that the answer does not depend on whether what it names exists). The schema
documents every field; a staff-only one is read-only-not-required or optional, so a partner
user's shorter copy still conforms. tests/security/test_partner_fields.py lists, per endpoint,
the exact fields a partner user gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from rest_framework import serializers


class RoleFieldsMixin:
    staff_only_fields: tuple[str, ...] = ()
    staff_only_input: tuple[str, ...] = ()

    context: dict

    @cached_property
    def caller_is_staff(self) -> bool:
        """Admins and managers; anyone else — a partner user, or no request at all — is not."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_staff_role)

    @property
    def _readable_fields(self):
        # DRF's to_representation reads this: a hidden field is not even computed.
        hidden = () if self.caller_is_staff else self.staff_only_fields
        for field in super()._readable_fields:  # type: ignore[misc]
            if field.field_name not in hidden:
                yield field

    def to_internal_value(self, data):
        if not self.caller_is_staff and isinstance(data, Mapping):
            ignored = set(self.staff_only_fields) | set(self.staff_only_input)
            if ignored & set(data):
                data = data.copy()  # type: ignore[attr-defined]  # dict or QueryDict
                for name in ignored:
                    data.pop(name, None)
        return super().to_internal_value(data)  # type: ignore[misc]


class RoleFieldsSerializer(RoleFieldsMixin, serializers.Serializer):
    pass


class RoleFieldsModelSerializer(RoleFieldsMixin, serializers.ModelSerializer):
    pass
