"""Accounts: users with argon2 passwords, short-lived JWTs, hashed API keys bound to users.

Tokens carry only the user id: role and groups are read from the database on every request,
so removing someone from a group or deleting them takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
from pwdlib import PasswordHash

from backend.access import ROLES, Principal, parse_groups
from backend.domain import PUBLIC
from backend.storage import ApiKeyRow, Store, UserRow

KEY_PREFIX = "cq_"
_ALGORITHM = "HS256"


class AuthError(Exception):
    """Bad credentials, or a request that would break the accounts' rules."""


def write_owner_only(path: Path, text: str, replace: bool = True) -> None:
    """Write ``text`` to a file only its owner may read (0600 from creation, never wider).
    With ``replace=False`` an existing file is an error (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    with os.fdopen(os.open(path, flags, 0o600), "w") as fh:
        fh.write(text)


def load_secret(configured: str | None, path: Path) -> str:
    """The configured signing key, else one made once and kept owner-readable in ``path``."""
    if configured:
        return configured
    if not path.exists():
        write_owner_only(path, secrets.token_urlsafe(48), replace=False)
    return path.read_text().strip()


class Accounts:
    def __init__(self, store: Store, secret: str, token_minutes: int) -> None:
        self.store = store
        self._secret = secret
        self._token_minutes = token_minutes
        self._hasher = PasswordHash.recommended()  # argon2id
        # verifying an unknown name costs as much as a wrong password: no user enumeration
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))

    # users -------------------------------------------------------------------------------------
    def add_user(self, name: str, role: str = "member", groups: str | list[str] | None = None,
                 password: str | None = None) -> UserRow:
        name = name.strip()
        if not name or len(name) > 128:
            raise AuthError("a user name needs 1 to 128 characters")
        _check_role(role)
        if self.store.get_user(name=name) is not None:
            raise AuthError(f"user {name!r} exists")
        return self.store.add_user(name, role, _member_groups(groups), self._hash(password))

    def update_user(self, name: str, role: str | None = None,
                    groups: str | list[str] | None = None, password: str | None = None) -> UserRow:
        changes: dict = {}
        if role is not None:
            changes["role"] = _check_role(role)
        if groups is not None:
            changes["groups"] = _member_groups(groups)
        if password is not None:
            changes["password_hash"] = self._hash(password)
        user = self.store.update_user(name, **changes)
        if user is None:
            raise LookupError(f"no user {name!r}")
        return user

    def _hash(self, password: str | None) -> str | None:
        if password is None:
            return None
        if len(password) < 8:
            raise AuthError("a password needs at least 8 characters")
        return self._hasher.hash(password)

    def principal(self, user: UserRow, via: str = "token") -> Principal:
        return Principal(user.id, user.name, user.role, frozenset(user.groups or []), via)

    # browser sessions ----------------------------------------------------------------------------
    def login(self, name: str, password: str) -> tuple[str, int]:
        """A signed token and its lifetime in seconds; AuthError if the pair is wrong."""
        user = self.store.get_user(name=name)
        stored = user.password_hash if user and user.password_hash else self._dummy_hash
        if not self._hasher.verify(password, stored) or user is None or not user.password_hash:
            raise AuthError("wrong user name or password")
        now = datetime.now(timezone.utc)
        lifetime = self._token_minutes * 60
        claims = {"sub": str(user.id), "iat": now, "exp": now + timedelta(seconds=lifetime)}
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM), lifetime

    def file_token(self, principal: Principal, document_id: int, minutes: int = 10) -> str:
        """A link token that opens one document's file for a few minutes (browsers send no header)."""
        now = datetime.now(timezone.utc)
        claims = {"sub": str(principal.user_id), "doc": document_id, "use": "file", "iat": now,
                  "exp": now + timedelta(minutes=minutes)}
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def file_token_principal(self, token: str, document_id: int) -> Principal:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[_ALGORITHM],
                                options={"require": ["exp", "sub", "doc", "use"]})
        except jwt.PyJWTError:
            raise AuthError("invalid or expired link") from None
        if claims["use"] != "file" or claims["doc"] != document_id:
            raise AuthError("this link is for another document")
        user = self.store.get_user(user_id=int(claims["sub"]))
        if user is None:
            raise AuthError("the user of this link no longer exists")
        return self.principal(user, "link")

    # API keys ----------------------------------------------------------------------------------
    def add_key(self, user_name: str, label: str = "") -> tuple[str, ApiKeyRow]:
        """A new key, returned once; only its hash is stored."""
        user = self.store.get_user(name=user_name)
        if user is None:
            raise LookupError(f"no user {user_name!r}")
        prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        row = self.store.add_key(user.id, label, prefix, _digest(secret))
        return f"{KEY_PREFIX}{prefix}_{secret}", row

    # any bearer --------------------------------------------------------------------------------
    def authenticate(self, bearer: str) -> Principal:
        """The principal behind an API key or a session token; AuthError otherwise."""
        if bearer.startswith(KEY_PREFIX):
            prefix, _, secret = bearer[len(KEY_PREFIX):].partition("_")
            key = self.store.key_by_prefix(prefix)
            if key is None or key.revoked_at is not None or \
                    not hmac.compare_digest(key.secret_hash, _digest(secret)):
                raise AuthError("invalid or revoked API key")
            user, via = self.store.get_user(user_id=key.user_id), "key"
        else:
            user_id = self.token_subject(bearer)
            if user_id is None:
                raise AuthError("invalid or expired token")
            user, via = self.store.get_user(user_id=user_id), "token"
        if user is None:
            raise AuthError("the user of this credential no longer exists")
        return self.principal(user, via)

    def token_subject(self, token: str) -> int | None:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[_ALGORITHM],
                                options={"require": ["exp", "sub"]})
            if "use" in claims:  # a file link is not a session
                return None
            return int(claims["sub"])
        except (jwt.PyJWTError, ValueError):
            return None


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    return role


def _member_groups(groups: str | list[str] | None) -> list[str]:
    return [g for g in parse_groups(groups) if g != PUBLIC]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
