"""Every other spelling of a token: what the tests feed each decoder, expecting a refusal."""

from __future__ import annotations

import string
from urllib.parse import quote

URLSAFE = string.ascii_letters + string.digits + "-_"
STANDARD = string.ascii_letters + string.digits + "+/"
BASE62 = string.ascii_letters + string.digits
#: Characters outside every token alphabet, as people and attackers type them.
OUTSIDE = "+/=.%~ \t\0é😀\u202e\u00a0"


def respellings(token: str, alphabet: str = URLSAFE, outside: str = OUTSIDE) -> list[str]:
    """Each position changed to each character of the alphabet and some outside it, padding
    added or removed, the case changed, characters added or dropped; never ``token`` itself."""
    found = {
        token[:i] + char + token[i + 1 :] for i in range(len(token)) for char in alphabet + outside
    }
    found |= {token + "=" * n for n in (1, 2, 3)}
    found |= {token.rstrip("="), token[:-1], token[1:], token + token[-1], token + "A"}
    found |= {" " + token, token + " ", token + "\n", token + "\0"}
    found |= {token.upper(), token.lower(), token.swapcase()}
    # A percent-encoded character reaching the decoder as text, as after a double decoding.
    found |= {f"%{ord(token[0]):02X}" + token[1:], token[:-1] + quote("=")}
    found.discard(token)
    return sorted(found)


def last_character_changed(token: str, alphabet: str = URLSAFE) -> list[str]:
    """The token with its last character replaced by each other one of the alphabet."""
    return [token[:-1] + char for char in alphabet if char != token[-1]]
