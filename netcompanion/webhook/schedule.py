"""When a failed delivery is tried again, and when it is given up.

Rule: after a failed attempt the next one waits 1 minute, then 5 minutes, 30 minutes, 2 hours,
6 hours and 12 hours (each stretched by up to 20 % at random, so deliveries that failed
together during a receiver's outage do not all come back in the same second). The seventh
failed attempt of a round is the last: the delivery is ``failed``, about 21 hours after the
first try. A 429 or 503 with ``Retry-After`` waits at least that long (at most 12 hours).

What fails: no connection, a timeout, a TLS error, an answer cut short (see ``sending``), and
any answer but 2xx. Every 4xx is retried
too, except 410 Gone: a receiver answering 400, 401, 403 or 404 is far more often mid-deploy or
misconfigured (a route renamed, a secret not yet rolled out) than refusing this event for good,
and the schedule is short and bounded, while giving up at once would lose the event. 410 says
the endpoint is gone: it fails at once. "Redeliver" starts a new round.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from .sending import Answer

DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
#: Attempts per round: the first one, then one after each delay.
MAX_ATTEMPTS = len(DELAYS) + 1
JITTER = 0.2
MAX_RETRY_AFTER = timedelta(hours=12)


def gives_up_at_once(answer: Answer) -> bool:
    return answer.status == 410


def next_attempt(
    answer: Answer,
    round_attempts: int,
    now: datetime,
    rand: Callable[[], float] = random.random,
) -> datetime | None:
    """When to try again after the ``round_attempts``-th failed attempt; None: give up."""
    if gives_up_at_once(answer) or round_attempts >= MAX_ATTEMPTS:
        return None
    delay = DELAYS[round_attempts - 1]
    if answer.status in (429, 503):
        asked = retry_after(answer.retry_after, now)
        if asked is not None:
            delay = max(delay, min(asked, MAX_RETRY_AFTER))
    return now + delay * (1 + JITTER * rand())


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds, or an HTTP date) as a wait from ``now``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))
