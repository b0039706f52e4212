"""The client's address, as every per-address limit sees it (Hearth's own and allauth's, through
members.adapters.AccountAdapter.get_client_ip).

Without a proxy (TRUSTED_PROXY_COUNT = 0) it is the peer address, REMOTE_ADDR: an X-Forwarded-For header
is written by the client and proves nothing. Behind N proxies of our own, each appends the address it got
the request from, so the client is the N-th address from the right; whatever stands further left was
written by the client and is ignored.
"""
import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies and _is_ip(hops[-proxies]):
            return hops[-proxies]
        # a request that did not come through all our proxies: count it under the peer that sent it
    return remote or "unknown"


def ip_bucket(ip: str) -> str:
    """The key a limit counts an address under: IPv6 by its /64, which one subscriber usually holds whole."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
