"""The network address of the person making a request."""

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the client's address, trusting only PROXY_COUNT reverse proxies."""
    count = settings.PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
