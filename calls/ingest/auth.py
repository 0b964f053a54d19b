"""Token authentication for the ingest API: `Authorization: Bearer qac_...` (or `Token qac_...`)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from calls.models import IngestToken, hash_token


class IngestPrincipal:
    """What `request.user` is for a machine: authenticated, but no person and no role."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, token: IngestToken):
        self.token = token
        self.pk = None

    def __str__(self):
        return f"token:{self.token.name}"


class IngestTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        token = IngestToken.objects.filter(key_hash=hash_token(raw), revoked_at__isnull=True).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        # Conditional UPDATE: at most one write a minute per token, however busy the integration is.
        now = timezone.now()
        IngestToken.objects.filter(pk=token.pk).exclude(
            last_used_at__gt=now - timezone.timedelta(minutes=1)
        ).update(last_used_at=now)
        return IngestPrincipal(token), token

    def authenticate_header(self, request):
        return "Bearer"
