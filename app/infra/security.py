"""Passwords (argon2) and bearer tokens (signed, expiring, revocable)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, TimestampSigner

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("a password nobody has")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; spends the same time when there is no user at all."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class TokenSigner:
    """A token is a session id signed with the server's secret and a timestamp.

    The signature makes tokens unforgeable and lets the server refuse an old one before it
    touches the database; the session row makes them revocable.
    """

    def __init__(self, secret_key: str) -> None:
        self._signer = TimestampSigner(secret_key, salt="puljen.session")

    def issue(self, session_id: str) -> str:
        return self._signer.sign(session_id).decode()

    def read(self, token: str, max_age_seconds: int) -> str | None:
        try:
            return self._signer.unsign(token, max_age=max_age_seconds).decode()
        except (BadSignature, UnicodeDecodeError):
            return None
