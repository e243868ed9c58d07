"""HTML pages. Each handler reads the request, calls one service, renders the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.core.accounts import Role
from painpath.services import (
    accounts,
    audit,
    checkins,
    dashboard,
    instruments,
    invites,
    patients,
    safety,
    tracking,
)
from painpath.services.errors import InvalidInput, InviteUnusable, Throttled
from painpath.web.auth import SESSION_COOKIE, FormFields, checked_form, request_context
from painpath.web.params import RecordId
from painpath.web.safety_view import safety_context
from painpath.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


def home_for(role: Role | None) -> str:
    return {Role.clinician: "/patients", Role.patient: "/me", Role.admin: "/admin/users"}.get(
        role, "/"
    )


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: a sign-in link must not bounce people to another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc or "\\" in target else target


def _signed_in_response(request: Request, signed: accounts.SignedIn, target: str) -> Response:
    response = redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        max_age=request.app.state.services.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.app.state.services.settings.https,
        path="/",
    )
    return response


@router.get("/")
def home(request: Request):
    return render(request, "home.html", home_url=home_for(request_context(request).actor.role))


@router.get("/signin")
def signin_page(request: Request, next: str | None = None):
    ctx = request_context(request)
    if ctx.actor.signed_in:
        return redirect(_safe_next(next) or home_for(ctx.actor.role))
    return render(request, "signin.html", next=_safe_next(next) or "")


@router.post("/signin")
def signin_submit(request: Request, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    target = _safe_next(form.get("next"))
    try:
        signed = accounts.sign_in(ctx, form.get("email", ""), form.get("password", ""))
    except (accounts.SignInFailed, Throttled) as error:
        return render(
            request,
            "signin.html",
            status_code=429 if isinstance(error, Throttled) else 401,
            form_error=error.describe(),
            values={"email": form.get("email", "")},
            next=target or "",
        )
    return _signed_in_response(request, signed, target or home_for(signed.user.role))


@router.post("/signout")
def signout(request: Request, _form: FormFields = Depends(checked_form)):
    accounts.sign_out(request_context(request), request.cookies.get(SESSION_COOKIE))
    response = redirect("/?signed_out=1")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- clinician ------------------------------------------------------------------


@router.get("/patients")
def patient_list(request: Request, q: str | None = None, show: str = "all", page: str = "1"):
    ctx = request_context(request)
    number = int(page) if page.isdigit() and len(page) < 7 else 1
    found = dashboard.dashboard(ctx, search=q, show=show, page=number)
    template = "patients/_rows.html" if request.headers.get("hx-request") else "patients/list.html"
    return render(
        request,
        template,
        board=found,
        patients=[r.patient for r in found.rows],
        filters=dashboard.FILTERS,
        q=q or "",
        today=ctx.today(),
        this_year=datetime.now(UTC).year,
    )


@router.get("/patients/new")
def patient_new(request: Request):
    patients.check_may_add(request_context(request))
    return render(request, "patients/new.html", this_year=datetime.now(UTC).year)


@router.post("/patients/new")
def patient_create(request: Request, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    data = {k: v for k, v in form.items() if k in ("display_name", "birth_year", "sex")}
    if not data.get("sex"):
        data.pop("sex", None)
    try:
        patient = patients.add_patient(ctx, data)
    except InvalidInput as error:
        return render(
            request,
            "patients/new.html",
            status_code=422,
            errors=error.errors,
            values=form,
            this_year=datetime.now(UTC).year,
        )
    return redirect(f"/patients/{patient.id}?added=1")


def _overview_page(request: Request, ctx, patient_id: int, status: int = 200, **extra):
    """A patient's record; also re-shown, with the problems, when a form on it fails."""
    overview = patients.get_patient(ctx, patient_id)
    return render(
        request,
        "patients/overview.html",
        status_code=status,
        overview=overview,
        **_clinical_summary(ctx, patient_id),
        **extra,
    )


@router.get("/patients/{patient_id}")
def patient_overview(request: Request, patient_id: RecordId):
    params = request.query_params
    return _overview_page(
        request,
        request_context(request),
        patient_id,
        added=params.get("added") == "1",
        scored=params.get("scored"),
        reviewed=params.get("reviewed") == "1",
    )


def _clinical_summary(ctx, patient_id: int) -> dict:
    """Open red flags, check-ins and instrument history for a patient's record."""
    catalog = checkins.catalog_for(ctx)
    return {
        **safety_context(ctx, patient_id),
        "checkin_list": checkins.list_checkins(ctx, patient_id),
        "score_history": instruments.history(ctx, patient_id),
        "instrument_list": list(catalog.instruments.values()),
        "due_now": tracking.progress(ctx, patient_id).due_now,
    }


@router.post("/patients/{patient_id}/safety/{kind}/{event_id}/review")
def safety_review(
    request: Request,
    patient_id: RecordId,
    kind: str,
    event_id: RecordId,
    form: FormFields = Depends(checked_form),
):
    ctx = request_context(request)
    try:
        safety.record_review(
            ctx,
            patient_id,
            kind,
            event_id,
            outcome=form.get("outcome", ""),
            action_taken=form.get("action_taken", ""),
            resume_programme=form.get("resume_programme") == "yes",
        )
    except InvalidInput as error:
        return _overview_page(
            request,
            ctx,
            patient_id,
            422,
            errors={"review": f"{kind}-{event_id}", **error.errors},
            values=dict(form),
        )
    return redirect(f"/patients/{patient_id}?reviewed=1#safety")


@router.post("/patients/{patient_id}/invites")
def patient_invite(
    request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)
):
    ctx = request_context(request)
    try:
        created = invites.create_invite(ctx, patient_id, {"email": form.get("email", "")})
    except InvalidInput as error:
        return _overview_page(request, ctx, patient_id, 422, errors=error.errors, values=form)
    link = request.app.state.services.settings.public_url(f"/invite/{created.token}")
    return _overview_page(request, ctx, patient_id, invite_link=link, invite=created.invite)


# --- patient --------------------------------------------------------------------


@router.get("/invite/{token}", name="invite_page")
def invite_page(request: Request, token: str):
    ctx = request_context(request)
    try:
        details = invites.describe_invite(ctx, token)
    except InviteUnusable as error:
        return render(request, "invite_unusable.html", status_code=410, message=error.describe())
    return render(request, "invite.html", details=details, token=token)


@router.post("/invite/{token}")
def invite_accept(request: Request, token: str, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    try:
        signed = invites.accept_invite(
            ctx,
            token,
            {
                "password": form.get("password", ""),
                "password_confirm": form.get("password_confirm"),
            },
        )
    except InviteUnusable as error:
        return render(request, "invite_unusable.html", status_code=410, message=error.describe())
    except InvalidInput as error:
        details = invites.describe_invite(ctx, token)
        return render(
            request,
            "invite.html",
            status_code=422,
            details=details,
            token=token,
            errors=error.errors,
        )
    return _signed_in_response(request, signed, "/me?welcome=1")


@router.get("/me")
def patient_home(request: Request):
    ctx = request_context(request)
    record = patients.own_record(ctx)
    summary = _clinical_summary(ctx, record.patient.id) if record else {}
    return render(
        request,
        "me.html",
        record=record,
        welcome=request.query_params.get("welcome") == "1",
        **summary,
    )


# --- account: API tokens -------------------------------------------------------------


@router.get("/account")
def account(request: Request):
    tokens = accounts.list_api_tokens(request_context(request))
    return render(request, "account.html", tokens=tokens)


@router.post("/account/tokens")
def account_token_create(request: Request, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    scopes = form.getlist("scopes")
    data = {
        "name": form.get("name", ""),
        "scopes": scopes,
        "expires_in_days": form.get("expires_in_days") or 90,
    }
    try:
        created, raw = accounts.create_api_token(ctx, data)
    except InvalidInput as error:
        return render(
            request,
            "account.html",
            status_code=422,
            tokens=accounts.list_api_tokens(ctx),
            errors=error.errors,
            values=form,
        )
    return render(
        request,
        "account.html",
        tokens=accounts.list_api_tokens(ctx),
        new_token=raw,
        new_token_view=created,
    )


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(
    request: Request, token_id: RecordId, _form: FormFields = Depends(checked_form)
):
    accounts.revoke_api_token(request_context(request), token_id)
    return redirect("/account?revoked=1")


# --- admin --------------------------------------------------------------------------


def _users_page_with_errors(request: Request, ctx, error: InvalidInput, **extra):
    return render(
        request,
        "admin/users.html",
        status_code=422,
        users=accounts.list_users(ctx),
        errors=error.errors,
        **extra,
    )


@router.get("/admin/users")
def admin_users(request: Request):
    users = accounts.list_users(request_context(request))
    return render(request, "admin/users.html", users=users)


@router.post("/admin/users")
def admin_user_create(request: Request, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    try:
        accounts.create_user(
            ctx, {k: form.get(k, "") for k in ("email", "role", "display_name", "password")}
        )
    except InvalidInput as error:
        kept = {k: v for k, v in form.items() if k != "password"}
        return _users_page_with_errors(request, ctx, error, values=kept)
    return redirect("/admin/users?created=1")


@router.post("/admin/users/{user_id}/active")
def admin_user_active(
    request: Request, user_id: RecordId, form: FormFields = Depends(checked_form)
):
    ctx = request_context(request)
    try:
        accounts.set_user_active(ctx, user_id, form.get("active") == "true")
    except InvalidInput as error:
        return _users_page_with_errors(request, ctx, error)
    return redirect("/admin/users")


AUDIT_FILTERS = ("actor", "action", "subject_type", "subject_id", "outcome")


@router.get("/admin/audit")
def admin_audit(request: Request):
    ctx = request_context(request)
    params = request.query_params
    filters = {k: params.get(k, "").strip() for k in AUDIT_FILTERS}
    errors: dict[str, str] = {}
    day = params.get("day", "").strip()
    since = until = None
    if day:
        try:
            since = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
            until = since + timedelta(days=1)
        except ValueError:
            errors["day"] = "Enter a date as YYYY-MM-DD."
    before = params.get("before", "")
    events = audit.list_events(
        ctx,
        since=since,
        until=until,
        before_id=int(before) if audit.USER_ID.fullmatch(before) else None,
        **{k: v or None for k, v in filters.items()},
    )
    return render(
        request, "admin/audit.html", events=events, filters=filters, day=day, errors=errors
    )
