"""Posting the Django admin's user change form from a test."""

from __future__ import annotations


def change_form_data(client, user) -> dict:
    """What the Django admin's change form of a user posts as shown (a superuser's client)."""
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled or name == "password":
            continue
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    data["last_login_0"], data["last_login_1"] = "", ""
    data["date_joined_0"] = user.date_joined.date().isoformat()
    data["date_joined_1"] = "00:00:00"
    return data
