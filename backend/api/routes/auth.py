from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from pydantic import BaseModel, ConfigDict

from backend.api.deps import ContainerDep, PrincipalDep
from backend.api.schemas import KeyCreated, Me, key_created
from backend.auth import AuthError, LoginThrottled

router = APIRouter(tags=["auth"])


class TokenOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "bearer", "expires_in": 3600}]})

    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post("/auth/token")
def login(username: Annotated[str, Form(examples=["alice"])],
          password: Annotated[str, Form(examples=["a long passphrase"])],
          c: ContainerDep) -> TokenOut:
    """Password login (OAuth2 password form): a short-lived bearer token for the browser."""
    try:
        token, lifetime = c.accounts.login(username, password)
    except LoginThrottled as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
    except AuthError as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    return TokenOut(access_token=token, expires_in=lifetime)


@router.get("/auth/me")
def me(principal: PrincipalDep) -> Me:
    return Me(name=principal.name, role=principal.role, groups=sorted(principal.groups),
              via=principal.via)


@router.post("/auth/logout-all", status_code=204)
def sign_out_everywhere(principal: PrincipalDep, c: ContainerDep) -> None:
    """End every session token and file link of yours, on every device (API keys stay)."""
    c.accounts.sign_out_everywhere(principal.user_id)


@router.post("/auth/keys", status_code=201)
def add_own_key(principal: PrincipalDep, c: ContainerDep, label: str = "") -> KeyCreated:
    """A new API key for yourself, with your permissions; the key is shown only in this reply."""
    try:
        key, row = c.accounts.add_key(principal.name, label)
    except AuthError as exc:
        raise HTTPException(422, str(exc)) from None
    return key_created(key, row, principal.name)
