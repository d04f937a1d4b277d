from fastapi import APIRouter, HTTPException

from backend.api.deps import AdminDep, ContainerDep
from backend.api.schemas import KeyCreated, KeyOut, UserIn, UserOut, UserPatch, key_created, json_example
from backend.auth import AuthError

router = APIRouter(tags=["users"], prefix="/users")


def _out(u) -> UserOut:
    return UserOut(name=u.name, role=u.role, groups=u.groups or [], has_password=bool(u.password_hash),
                   created_at=u.created_at)


@router.get("")
def list_users(_: AdminDep, c: ContainerDep) -> list[UserOut]:
    return [_out(u) for u in c.store.list_users()]


@router.post("", status_code=201)
def add_user(body: UserIn, _: AdminDep, c: ContainerDep) -> UserOut:
    try:
        return _out(c.accounts.add_user(body.name, body.role, body.groups, body.password))
    except (AuthError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None


@router.patch("/{name}")
def update_user(name: str, body: UserPatch, _: AdminDep, c: ContainerDep) -> UserOut:
    try:
        return _out(c.accounts.update_user(name, body.role, body.groups, body.password))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except (AuthError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None


@router.delete("/{name}", status_code=204)
def delete_user(name: str, admin: AdminDep, c: ContainerDep) -> None:
    if name == admin.name:
        raise HTTPException(422, "you cannot delete yourself")
    try:
        c.accounts.delete_user(name)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except AuthError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/{name}/keys", status_code=201)
def add_key(name: str, _: AdminDep, c: ContainerDep, label: str = "") -> KeyCreated:
    """A new API key bound to user ``name``; shown only in this reply, stored hashed."""
    try:
        key, row = c.accounts.add_key(name, label)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except AuthError as exc:
        raise HTTPException(422, str(exc)) from None
    return key_created(key, row, name)


@router.get("/{name}/keys")
def list_keys(name: str, _: AdminDep, c: ContainerDep) -> list[KeyOut]:
    user = c.store.get_user(name=name)
    if user is None:
        raise HTTPException(404, f"no user {name!r}")
    return [KeyOut(id=k.id, label=k.label, prefix=k.prefix, created_at=k.created_at,
                   revoked=k.revoked_at is not None) for k in c.store.list_keys(user.id)]


keys_router = APIRouter(tags=["users"])


@keys_router.get("/groups", responses=json_example(
    {"hr": {"users": 4, "documents": 12}, "finance": {"users": 2, "documents": 5}}))
def list_groups(_: AdminDep, c: ContainerDep) -> dict[str, dict[str, int]]:
    """Groups in use: how many users belong to each and how many documents it may see."""
    groups: dict[str, dict[str, int]] = {}
    for u in c.store.list_users():
        for g in u.groups or []:
            groups.setdefault(g, {"users": 0, "documents": 0})["users"] += 1
    for d, _ in c.store.list_documents():
        for g in d.access or []:
            if g != "public":
                groups.setdefault(g, {"users": 0, "documents": 0})["documents"] += 1
    return dict(sorted(groups.items()))


@keys_router.delete("/keys/{key_id}", status_code=204)
def revoke_key(key_id: int, _: AdminDep, c: ContainerDep) -> None:
    if c.store.revoke_key(key_id) is None:
        raise HTTPException(404, f"no API key {key_id}")
