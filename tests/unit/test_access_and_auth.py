"""Access rule, group parsing, passwords, tokens and API keys (real argon2, real JWT, SQLite)."""

from __future__ import annotations

import time

import jwt
import pytest

from backend.access import Principal, parse_groups
from backend.auth import Accounts, AuthError
from backend.storage import create_store


def principal(role="member", groups=()):
    return Principal(1, "u", role, frozenset(groups))


def test_visibility_rule():
    assert principal().can_see(["public"])
    assert not principal().can_see(["hr"])
    assert principal(groups={"hr"}).can_see(["hr", "finance"])
    assert not principal(groups={"hr"}).can_see(["finance"])
    assert principal("admin").can_see(["finance"])


def test_parse_groups():
    assert parse_groups(" HR, finance,hr ") == ["finance", "hr"]
    assert parse_groups("") == ["public"] and parse_groups([]) == ["public"]
    with pytest.raises(ValueError):
        parse_groups("bad group!")


@pytest.fixture
def accounts(tmp_path):
    return Accounts(create_store(f"sqlite:///{tmp_path / 'a.db'}"), "test-secret-" * 4, 1)


def test_password_login_and_token(accounts):
    accounts.add_user("ann", "member", "hr", "correct-horse")
    stored = accounts.store.get_user(name="ann").password_hash
    assert stored.startswith("$argon2") and "correct-horse" not in stored
    token, lifetime = accounts.login("ann", "correct-horse")
    assert lifetime == 60
    p = accounts.authenticate(token)
    assert (p.name, p.role, p.groups, p.via) == ("ann", "member", frozenset({"hr"}), "token")
    for name, password in (("ann", "wrong-password"), ("nobody", "correct-horse")):
        with pytest.raises(AuthError, match="wrong user name or password"):
            accounts.login(name, password)


def test_tokens_expire_and_cannot_be_forged(accounts):
    user = accounts.add_user("ben", password="long-enough")
    expired = jwt.encode({"sub": str(user.id), "exp": int(time.time()) - 5}, "test-secret-" * 4,
                         algorithm="HS256")
    forged = jwt.encode({"sub": str(user.id), "exp": int(time.time()) + 60}, "other-key-" * 4,
                        algorithm="HS256")
    for token in (expired, forged, "garbage"):
        with pytest.raises(AuthError):
            accounts.authenticate(token)


def test_api_keys_are_hashed_bound_to_their_user_and_revocable(accounts):
    accounts.add_user("cy", "member", ["finance"])
    key, row = accounts.add_key("cy", "ci")
    assert key.startswith("cq_") and key.split("_", 2)[2] not in row.secret_hash
    p = accounts.authenticate(key)
    assert p.name == "cy" and p.groups == {"finance"} and p.via == "key"
    accounts.update_user("cy", groups="")  # permissions follow the user, not the key
    assert accounts.authenticate(key).groups == frozenset()
    accounts.store.revoke_key(row.id)
    with pytest.raises(AuthError, match="revoked"):
        accounts.authenticate(key)
    with pytest.raises(AuthError):
        accounts.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B"))


def test_file_links_are_bound_to_one_document_and_are_not_sessions(accounts):
    user = accounts.add_user("dee", password="long-enough")
    p = accounts.principal(user)
    link = accounts.file_token(p, 7)
    assert accounts.file_token_principal(link, 7).name == "dee"
    with pytest.raises(AuthError):
        accounts.file_token_principal(link, 8)
    with pytest.raises(AuthError):
        accounts.authenticate(link)


def test_account_rules(accounts):
    accounts.add_user("eve", password="long-enough")
    with pytest.raises(AuthError, match="exists"):
        accounts.add_user("eve")
    with pytest.raises(AuthError, match="8 characters"):
        accounts.add_user("fay", password="short")
    with pytest.raises(AuthError, match="role"):
        accounts.add_user("gus", role="root")
    with pytest.raises(AuthError, match="wrong"):  # a keys-only user cannot log in
        accounts.add_user("hal")
        accounts.login("hal", "")
