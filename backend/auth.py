"""Accounts: users with argon2 passwords, short-lived JWTs, hashed API keys bound to users.

Tokens carry the user id and the user's token version: role and groups are read from the
database on every request, so removing someone from a group or deleting them takes effect at
once, and a new version (password change, "sign out everywhere") voids every earlier token.
User ids are never reused, and a token of a deleted user can never name another one.
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

from limits import parse_many
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from backend.access import ROLES, Principal, parse_groups
from backend.domain import PUBLIC
from backend.storage import ApiKeyRow, Store, UserRow
from backend.storage.models import new_token_version

KEY_PREFIX = "cq_"
_ALGORITHM = "HS256"


class AuthError(Exception):
    """Bad credentials, or a request that would break the accounts' rules."""


class LoginThrottled(AuthError):
    """Too many failed sign-ins for one account name; ``retry_after`` seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins for this account; try again in {retry_after} s")
        self.retry_after = retry_after


class LoginThrottle:
    """Failed sign-ins counted per account name (known or not, so it reveals nothing), in
    stacked windows ("5/minute;20/hour;100/day"): each window filled means a longer wait.
    While any window is full, the password is not even checked."""

    def __init__(self, limits_text: str, storage: Storage | None = None) -> None:
        self._limits = parse_many(limits_text)
        self._limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    def retry_after(self, name: str) -> int:
        """Seconds until ``name`` may try again; 0 when it may now."""
        import time

        wait = 0
        for limit in self._limits:
            if not self._limiter.test(limit, "login", name):
                reset = self._limiter.get_window_stats(limit, "login", name).reset_time
                wait = max(wait, int(reset - time.time()) + 1)
        return wait

    def failed(self, name: str) -> None:
        for limit in self._limits:
            self._limiter.hit(limit, "login", name)

    def succeeded(self, name: str) -> None:
        for limit in self._limits:
            self._limiter.clear(limit, "login", name)


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
    def __init__(self, store: Store, secret: str, token_minutes: int,
                 throttle: LoginThrottle | None = None, max_keys_per_member: int = 10) -> None:
        self.store = store
        self._secret = secret
        self._token_minutes = token_minutes
        self._throttle = throttle or LoginThrottle("5/minute;20/hour;100/day")
        self._max_keys_per_member = max_keys_per_member
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
            changes["token_version"] = new_token_version()  # sessions of the old password end
        user = self.store.get_user(name=name)
        if user is None:
            raise LookupError(f"no user {name!r}")
        if user.role == "admin" and changes.get("role", "admin") != "admin":
            self._keep_an_admin()
        return self.store.update_user(name, **changes)

    def delete_user(self, name: str) -> None:
        """Delete a user and their keys; LookupError if unknown, AuthError for the last admin."""
        user = self.store.get_user(name=name)
        if user is None:
            raise LookupError(f"no user {name!r}")
        if user.role == "admin":
            self._keep_an_admin()
        self.store.delete_user(name)

    def sign_out_everywhere(self, user_id: int) -> None:
        """Void every session token and file link issued to the user so far (keys stay)."""
        self.store.update_user_by_id(user_id, token_version=new_token_version())

    def _keep_an_admin(self) -> None:
        if self.store.count_admins() <= 1:
            raise AuthError("this is the last admin: make another user admin first")

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
        """A signed token and its lifetime in seconds; AuthError if the pair is wrong,
        LoginThrottled after too many failures for this name."""
        name = name[:128]
        wait = self._throttle.retry_after(name)
        if wait:
            raise LoginThrottled(wait)
        user = self.store.get_user(name=name)
        stored = user.password_hash if user and user.password_hash else self._dummy_hash
        if not self._hasher.verify(password, stored) or user is None or not user.password_hash:
            self._throttle.failed(name)
            raise AuthError("wrong user name or password")
        self._throttle.succeeded(name)
        now = datetime.now(timezone.utc)
        lifetime = self._token_minutes * 60
        claims = {"sub": str(user.id), "ver": user.token_version, "iat": now,
                  "exp": now + timedelta(seconds=lifetime)}
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM), lifetime

    def file_token(self, principal: Principal, document_id: int, minutes: int = 10) -> str:
        """A link token that opens one document's file for a few minutes (browsers send no header)."""
        user = self.store.get_user(user_id=principal.user_id)
        if user is None:
            raise AuthError("the user no longer exists")
        now = datetime.now(timezone.utc)
        claims = {"sub": str(user.id), "ver": user.token_version, "doc": document_id,
                  "use": "file", "iat": now, "exp": now + timedelta(minutes=minutes)}
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def file_token_principal(self, token: str, document_id: int) -> Principal:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[_ALGORITHM],
                                options={"require": ["exp", "sub", "ver", "doc", "use"]})
        except jwt.PyJWTError:
            raise AuthError("invalid or expired link") from None
        if claims["use"] != "file" or claims["doc"] != document_id:
            raise AuthError("this link is for another document")
        return self.principal(self._token_user(claims, "link"), "link")

    def _token_user(self, claims: dict, what: str) -> UserRow:
        """The user a verified token names, if it still is the same user with the same
        token version; AuthError otherwise."""
        try:
            user_id = int(claims["sub"])
        except (KeyError, TypeError, ValueError):
            raise AuthError(f"invalid {what}") from None
        user = self.store.get_user(user_id=user_id)
        if user is None or not isinstance(claims.get("ver"), str) or \
                not hmac.compare_digest(user.token_version, claims["ver"]):
            raise AuthError(f"this {what} is no longer valid: sign in again")
        return user

    # API keys ----------------------------------------------------------------------------------
    def add_key(self, user_name: str, label: str = "") -> tuple[str, ApiKeyRow]:
        """A new key, returned once; only its hash is stored."""
        user = self.store.get_user(name=user_name)
        if user is None:
            raise LookupError(f"no user {user_name!r}")
        if user.role != "admin" and self.store.count_keys(user.id) >= self._max_keys_per_member:
            raise AuthError(f"{user_name} has {self._max_keys_per_member} active API keys, the "
                            "most a member may have: revoke one first")
        prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        row = self.store.add_key(user.id, label, prefix, _digest(secret))
        return f"{KEY_PREFIX}{prefix}_{secret}", row

    # any bearer --------------------------------------------------------------------------------
    def authenticate(self, bearer: str) -> Principal:
        """The principal behind an API key or a session token; AuthError otherwise."""
        if bearer.startswith(KEY_PREFIX):
            prefix, _, secret = bearer[len(KEY_PREFIX):].partition("_")
            key, user = self.store.key_and_user(prefix) or (None, None)
            if key is None or key.revoked_at is not None or \
                    not hmac.compare_digest(key.secret_hash, _digest(secret)):
                raise AuthError("invalid or revoked API key")
            if user is None:
                raise AuthError("the user of this credential no longer exists")
            return self.principal(user, "key")
        try:
            claims = jwt.decode(bearer, self._secret, algorithms=[_ALGORITHM],
                                options={"require": ["exp", "sub", "ver"]})
        except jwt.PyJWTError:
            raise AuthError("invalid or expired token") from None
        if "use" in claims:  # a file link is not a session
            raise AuthError("invalid or expired token")
        return self.principal(self._token_user(claims, "session token"), "token")


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    return role


def _member_groups(groups: str | list[str] | None) -> list[str]:
    return [g for g in parse_groups(groups) if g != PUBLIC]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
