"""One message area that replaces, never stacks (templates/includes/messages.html).

A full page shows the messages queued for it in base.html's `#messages`. An htmx response swaps
only a fragment, so the messages its action queued would wait for the next full page and stack
there under later ones; instead they go out with the fragment as an out-of-band swap of that one
`#messages` element. An htmx POST without a message clears the area: the banner on screen is
about an earlier action."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.template.loader import render_to_string


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or not _swappable(response):
            return response
        storage = get_messages(request)
        if getattr(storage, "used", False):
            return response  # the response shows them already (a full page's own area)
        if not len(storage) and request.method == "GET":
            return response  # a poll or a lazy load: the area keeps what it shows
        html = render_to_string(
            "includes/messages.html", {"messages": storage, "oob": True}, request=request
        )
        response.content = response.content + html.encode(response.charset)
        return response


def _swappable(response) -> bool:
    if response.streaming or "HX-Redirect" in response or "HX-Location" in response:
        return False
    status = response.status_code
    return (200 <= status < 300 or 400 <= status < 500) and response.get(
        "Content-Type", ""
    ).startswith("text/html")
