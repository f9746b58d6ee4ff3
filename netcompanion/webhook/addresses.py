"""Which webhook URLs may be registered and delivered to: protection against SSRF.

Rule: an endpoint is ``https://`` with a host name or a public IP address, no user name or
password in the URL and no fragment. Its host must resolve, and every address it resolves to
must be public: private, loopback, link-local (which holds cloud metadata services at
169.254.169.254), shared, multicast, reserved and unspecified addresses are refused, as are IPv6
addresses that embed such an IPv4 address. The check runs at registration and again at every
delivery, on the addresses the connection then uses (a host's DNS may change after it was
registered). ``WEBHOOK_ALLOW_PRIVATE_HOSTS`` lifts the address rule, for tests and closed
networks; the other rules stay.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

MAX_URL = 2000
DEFAULT_PORT = 443

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL or its addresses may not be used; the message is for the admin."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def check_url(url: str) -> tuple[str, int]:
    """The URL's host (in ASCII) and port when the URL is acceptable; raise Refused otherwise.

    Addresses are not looked at here: see :func:`resolve`.
    """
    url = url.strip()
    if len(url) > MAX_URL:
        raise Refused(_l("Use at most %(limit)d characters.", limit=MAX_URL))
    if any(ch <= " " or ch == "\x7f" for ch in url):
        raise Refused(_l("Leave spaces and control characters out of the address."))
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise Refused(_l("This is not a valid web address.")) from None
    if parts.scheme.lower() != "https":
        raise Refused(_l("Use an https:// address: deliveries are sent over TLS only."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise Refused(_l("Leave the user name and password out of the address."))
    if parts.fragment:
        raise Refused(_l("Leave the #fragment out of the address."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused(_l("The address needs a host name, such as hooks.example.com."))
    if _literal(host) is None:
        if not _is_host_name(host):
            raise Refused(
                _l("The host must be a name, such as hooks.example.com, or an IP address.")
            )
        host = host.encode("idna").decode("ascii")
    return host, port


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_host_name(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return len(ascii_host) <= 253 and all(
        0 < len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(ch.isalnum() or ch == "-" for ch in label)
        for label in labels
    )


def is_public(address: IPAddress) -> bool:
    """Whether a connection to this address leaves the local networks for the internet."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def resolve(host: str, port: int, allow_private: bool) -> list[IPAddress]:
    """Every address ``host`` resolves to, each allowed; raise Refused otherwise."""
    literal = _literal(host)
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise Refused(_l("The host %(host)s could not be found.", host=host)) from None
        found = []
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
            if address not in found:
                found.append(address)
        if not found:
            raise Refused(_l("The host %(host)s could not be found.", host=host))
    if not allow_private:
        for address in found:
            if not is_public(address):
                raise Refused(
                    _l(
                        "The host %(host)s is on a private or local network (%(address)s): "
                        "only public addresses can receive webhooks.",
                        host=host,
                        address=str(address),
                    )
                )
    return found
