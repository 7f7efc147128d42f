"""Canonical URLs: the identity of a crawled article. Tracking parameters, fragments,
default ports and host case never make two articles out of one."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "zarsrc", "_ga", "mc_", "gidzl")


def canonical(url: str) -> str:
    """``HTTPS://Www.Site.vn:443/a/b?utm_source=x&id=2#top`` -> ``https://www.site.vn/a/b?id=2``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PREFIXES)]  # fmt: skip
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))
