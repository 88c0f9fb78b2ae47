from __future__ import annotations

from .nav import links_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = links_for(user)
    path = request.path
    for link in links:
        link["current"] = path == link["url"] or (
            link["url"] not in ("/", "/portal/") and path.startswith(link["url"])
        )
    return {"nav_links": links}
