"""Login throttling (django-axes) that an attacker cannot reset.

Settings lock by account OR by address (``AXES_LOCKOUT_PARAMETERS = ["username",
"ip_address"]``: axes counts failures per user name across all addresses and per address
across all user names, and locks when either reaches the limit).

Axes' own reset after a successful sign-in deletes every failure matching either
parameter, i.e. also all failures *from that address against other accounts*: an attacker
holding one valid account could guess another's password four times, sign in as himself,
and start again, so the per-account lock would never trigger. Here a successful sign-in
forgets only the failures recorded against the account that signed in.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


class LoginThrottleHandler(AxesDatabaseHandler):
    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _details = AccessAttempt.objects.filter(username=username).delete()
        return count
