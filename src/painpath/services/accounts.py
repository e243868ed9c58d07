"""Accounts: creating users, signing in and out, sessions, API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from painpath.core.accounts import TokenScope
from painpath.services import audit
from painpath.services.context import Actor, Context, Services
from painpath.services.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
    Throttled,
)
from painpath.services.passwords import hasher, verify
from painpath.services.schemas import (
    ApiTokenView,
    NewApiToken,
    NewUser,
    UserView,
    parse,
)
from painpath.services.tokens import digest, new_secret
from painpath.store.db import read_transaction, transaction
from painpath.store.models import ApiToken, SignInAttempt, User, WebSession

API_TOKEN_PREFIX = "pp_"  # noqa: S105 - a label, not a secret
# Refresh "last used" at most this often, so API reads don't each cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class SignInFailed(ServiceError):
    """Same words whether the email is unknown, the password wrong or the account off."""

    def __init__(self) -> None:
        super().__init__("That email and password do not match an active account.")


@dataclass(frozen=True)
class SignedIn:
    user: UserView
    session_token: str
    csrf_token: str


def password_hasher(services: Services):
    s = services.settings
    return hasher(s.argon2_time_cost, s.argon2_memory_kib)


def create_user(ctx: Context, data: NewUser | dict) -> UserView:
    audit.require_admin(ctx, "user.create")
    new = data if isinstance(data, NewUser) else parse(NewUser, data)
    user = User(
        email=new.email,
        role=new.role,
        display_name=new.display_name,
        password_hash=password_hasher(ctx.services).hash(new.password),
        active=True,
        created_at=ctx.now(),
    )
    try:
        with transaction(ctx.services.db) as session:
            session.add(user)
            session.flush()
            audit.record(session, ctx, "user.create", subject_type="user", subject_id=user.id)
    except IntegrityError:
        raise InvalidInput({"email": "An account with this email already exists."}) from None
    return UserView.model_validate(user, from_attributes=True)


def list_users(ctx: Context) -> list[UserView]:
    audit.require_admin(ctx, "user.list")
    with transaction(ctx.services.db) as session:
        users = session.scalars(select(User).order_by(User.role, User.email)).all()
        audit.record(session, ctx, "user.list", detail=f"{len(users)} users")
        return [UserView.model_validate(u, from_attributes=True) for u in users]


def set_user_active(ctx: Context, user_id: int, active: bool) -> UserView:
    audit.require_admin(ctx, "user.set_active")
    if ctx.actor.user_id == user_id and not active:
        raise InvalidInput({"active": "You cannot deactivate your own account."})
    with transaction(ctx.services.db) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("user")
        user.active = active
        if not active:
            # Deactivation takes effect now, not when the sessions expire.
            session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        audit.record(
            session,
            ctx,
            "user.activate" if active else "user.deactivate",
            subject_type="user",
            subject_id=user_id,
        )
        return UserView.model_validate(user, from_attributes=True)


# --- signing in --------------------------------------------------------------------


def _throttle_keys(email: str, address: str | None) -> list[tuple[str, int]]:
    return [(f"email:{email}", 0), (f"ip:{address or 'unknown'}", 1)]


def _check_throttle(ctx: Context, email: str) -> None:
    s = ctx.settings
    window = timedelta(minutes=s.signin_window_minutes)
    now = ctx.now()
    limits = {0: s.signin_max_failures_per_account, 1: s.signin_max_failures_per_address}
    with transaction(ctx.services.db) as session:
        for key, kind in _throttle_keys(email, ctx.client_address):
            count, oldest = session.execute(
                select(func.count(), func.min(SignInAttempt.at)).where(
                    SignInAttempt.key == key, SignInAttempt.at > now - window
                )
            ).one()
            if count >= limits[kind]:
                break
        else:
            return
    audit.record_now(
        ctx,
        "auth.sign_in",
        outcome=audit.DENIED,
        detail=f"throttled by {'account' if kind == 0 else 'address'}: {email}",
    )
    raise Throttled(int((oldest + window - now).total_seconds()) + 1)


def _note_failure(ctx: Context, email: str, user_id: int | None) -> None:
    now = ctx.now()
    window = timedelta(minutes=ctx.settings.signin_window_minutes)
    with transaction(ctx.services.db) as session:
        session.execute(delete(SignInAttempt).where(SignInAttempt.at <= now - window))
        for key, _ in _throttle_keys(email, ctx.client_address):
            session.add(SignInAttempt(key=key, at=now))
        audit.record(
            session,
            ctx,
            "auth.sign_in",
            subject_type="user" if user_id else None,
            subject_id=user_id,
            outcome=audit.FAILED,
            detail=f"email {email}",
        )


# A real Argon2 hash of a random string: unknown emails cost the same time to refuse.
_DUMMY_HASH_CACHE: dict[tuple[int, int], str] = {}


def _dummy_hash(services: Services) -> str:
    key = (services.settings.argon2_time_cost, services.settings.argon2_memory_kib)
    if key not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[key] = password_hasher(services).hash(new_secret())
    return _DUMMY_HASH_CACHE[key]


def sign_in(ctx: Context, email: str, password: str) -> SignedIn:
    email = (email or "").strip().lower()[:254]
    _check_throttle(ctx, email)
    ph = password_hasher(ctx.services)
    with transaction(ctx.services.db) as session:
        user = session.scalar(select(User).where(User.email == email))
        stored = user.password_hash if user else _dummy_hash(ctx.services)
        ok = verify(ph, stored, password or "") and user is not None and user.active
    if not ok:
        _note_failure(ctx, email, user.id if user else None)
        raise SignInFailed()
    return start_session(ctx, user.id, action="auth.sign_in", rehash=password)


def start_session(
    ctx: Context, user_id: int, *, action: str, rehash: str | None = None
) -> SignedIn:
    token, csrf = new_secret(), new_secret()
    now = ctx.now()
    with transaction(ctx.services.db) as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise SignInFailed()
        ph = password_hasher(ctx.services)
        if rehash is not None and user.password_hash and ph.check_needs_rehash(user.password_hash):
            user.password_hash = ph.hash(rehash)
        user.last_sign_in_at = now
        session.execute(delete(SignInAttempt).where(SignInAttempt.key == f"email:{user.email}"))
        session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        session.add(
            WebSession(
                token_hash=digest(token),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + timedelta(hours=ctx.settings.session_hours),
                client_address=ctx.client_address,
            )
        )
        actor_ctx = Context(
            ctx.services,
            actor=_actor_of(user),
            client_address=ctx.client_address,
            request_id=ctx.request_id,
        )
        audit.record(session, actor_ctx, action, subject_type="user", subject_id=user.id)
        view = UserView.model_validate(user, from_attributes=True)
    return SignedIn(user=view, session_token=token, csrf_token=csrf)


def sign_out(ctx: Context, session_token: str | None) -> None:
    if not session_token:
        return
    with transaction(ctx.services.db) as session:
        gone = session.execute(
            delete(WebSession).where(WebSession.token_hash == digest(session_token))
        )
        if gone.rowcount:
            audit.record(
                session, ctx, "auth.sign_out", subject_type="user", subject_id=ctx.actor.user_id
            )


def _actor_of(user: User, scopes: frozenset[TokenScope] = frozenset(TokenScope)) -> Actor:
    return Actor(
        user_id=user.id,
        role=user.role,
        email=user.email,
        display_name=user.display_name,
        scopes=scopes,
    )


def actor_for_session(services: Services, session_token: str) -> tuple[Actor, str] | None:
    """The signed-in actor and their CSRF token, or None if the session is not valid."""
    now = services.clock()
    with read_transaction(services.db) as session:
        row = session.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == digest(session_token))
        ).one_or_none()
        if row is None:
            return None
        web_session, user = row
        if web_session.expires_at <= now or not user.active:
            return None
        return _actor_of(user), web_session.csrf_token


def actor_for_api_token(services: Services, raw: str) -> Actor | None:
    now = services.clock()
    with read_transaction(services.db) as session:
        row = session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest(raw))
        ).one_or_none()
        if row is None:
            return None
        token, user = row
        if token.revoked_at or (token.expires_at and token.expires_at <= now) or not user.active:
            return None
        stale = token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION
        token_id = token.id
        actor = _actor_of(user, frozenset(TokenScope(s) for s in token.scopes.split()))
    if stale:
        # A write only about once a minute per token, in its own short transaction.
        with transaction(services.db) as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    return actor


# --- API tokens --------------------------------------------------------------------


def create_api_token(ctx: Context, data: NewApiToken | dict) -> tuple[ApiTokenView, str]:
    """A new personal access token. The raw token is returned once and never stored."""
    audit.require_signed_in(ctx)
    if ctx.actor.user_id is None:
        raise Forbidden("API tokens belong to a user account.")
    new = data if isinstance(data, NewApiToken) else parse(NewApiToken, data)
    if not set(new.scopes) <= ctx.actor.scopes:
        # A token can only make tokens as strong as itself, never stronger.
        audit.record_now(ctx, "token.create", outcome=audit.DENIED, detail="scope escalation")
        raise Forbidden("A token cannot create a token with scopes it does not have itself.")
    raw = new_secret(API_TOKEN_PREFIX)
    now = ctx.now()
    token = ApiToken(
        user_id=ctx.actor.user_id,
        name=new.name,
        token_hash=digest(raw),
        prefix=raw[:10],
        scopes=" ".join(sorted({s.value for s in new.scopes})),
        created_at=now,
        expires_at=now + timedelta(days=new.expires_in_days),
    )
    with transaction(ctx.services.db) as session:
        session.add(token)
        session.flush()
        audit.record(session, ctx, "token.create", subject_type="api_token", subject_id=token.id)
        return _token_view(token), raw


def list_api_tokens(ctx: Context) -> list[ApiTokenView]:
    audit.require_signed_in(ctx)
    with transaction(ctx.services.db) as session:
        tokens = session.scalars(
            select(ApiToken).where(ApiToken.user_id == ctx.actor.user_id).order_by(ApiToken.id)
        ).all()
        return [_token_view(t) for t in tokens]


def revoke_api_token(ctx: Context, token_id: int) -> ApiTokenView:
    audit.require_signed_in(ctx)
    with transaction(ctx.services.db) as session:
        token = session.get(ApiToken, token_id)
        mine = token is not None and token.user_id == ctx.actor.user_id
    if not mine:
        audit.record_now(
            ctx,
            "token.revoke",
            subject_type="api_token",
            subject_id=token_id,
            outcome=audit.DENIED,
        )
        raise NotFound("API token")
    with transaction(ctx.services.db) as session:
        token = session.get(ApiToken, token_id)
        if token.revoked_at is None:
            token.revoked_at = ctx.now()
            audit.record(
                session, ctx, "token.revoke", subject_type="api_token", subject_id=token.id
            )
        return _token_view(token)


def _token_view(token: ApiToken) -> ApiTokenView:
    return ApiTokenView(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scopes=[TokenScope(s) for s in token.scopes.split()],
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )
