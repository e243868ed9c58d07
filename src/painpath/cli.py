"""The `painpath` command. Heavy modules are imported inside commands so that
`painpath --help` stays fast (see benchmarks/RESULTS.md for the measurement)."""

from __future__ import annotations

import typer

from painpath import __version__, cli_clinical, cli_evidence

app = typer.Typer(
    help="painpath: evidence-based care for low back pain and hip pain.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(cli_clinical.content_app, name="content")
app.add_typer(cli_clinical.instruments_app, name="instruments")
app.command("check")(cli_clinical.check)
app.command("score")(cli_clinical.score)
app.command("plan")(cli_clinical.plan)
app.command("handout")(cli_clinical.handout)
app.command("report")(cli_clinical.report)
app.add_typer(cli_evidence.evidence_app, name="evidence")
app.command("search")(cli_evidence.search)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"painpath {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """painpath: evidence-based care for low back pain and hip pain."""


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
) -> None:
    """Serve the web app and the JSON API."""
    import os

    import uvicorn

    from painpath.services.runtime import check_schema_current
    from painpath.settings import get_settings

    if not os.environ.get("PAINPATH_BASE_URL"):
        # Development: links point at the address served (the workers read it too).
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        os.environ["PAINPATH_BASE_URL"] = f"http://{shown}:{port}"
        get_settings.cache_clear()
    settings = get_settings()
    problem = check_schema_current(settings)
    if problem:
        _fail(problem)
    settings.resolved_secret_key()  # make the secret once, before workers race for it
    typer.echo(f"painpath {__version__} serving on http://{host}:{port}  (Ctrl+C to stop)")
    uvicorn.run(
        "painpath.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from painpath.settings import get_settings
    from painpath.store.migrate import upgrade

    settings = get_settings()
    url = settings.resolved_database_url()
    upgrade(url, revision)
    typer.echo(f"Database is at revision {revision}: {_masked_url(url)}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and the latest one painpath knows."""
    from painpath.settings import get_settings
    from painpath.store.db import make_engine
    from painpath.store.migrate import current_revision, head_revision

    engine = make_engine(get_settings().resolved_database_url(), one_off=True)
    typer.echo(f"current: {current_revision(engine) or '(empty database)'}")
    typer.echo(f"latest:  {head_revision()}")


@db_app.command("revision")
def db_revision(message: str = typer.Argument(..., help="What the migration changes.")) -> None:
    """For developers: write a new migration from the difference between models and database."""
    from alembic import command

    from painpath.settings import get_settings
    from painpath.store.migrate import alembic_config

    command.revision(
        alembic_config(get_settings().resolved_database_url()), message=message, autogenerate=True
    )


@app.command()
def demo() -> None:
    """Load demo users and patients (safe to run again) and print the demo sign-ins."""
    from rich.console import Console
    from rich.table import Table

    from painpath.services.demo import load_demo
    from painpath.services.runtime import open_services

    services = open_services()
    result = load_demo(services)
    console = Console()
    console.print(
        "[bold]Demo data loaded.[/bold]" if result.created else "[bold]Demo data present.[/bold]"
    )
    table = Table(title="Demo sign-ins (this machine only; not for real patients)")
    for column in ("role", "email", "password"):
        table.add_column(column)
    for login in result.logins:
        table.add_row(login.role, login.email, login.password)
    console.print(table)


@user_app.command("add")
def user_add(
    email: str = typer.Argument(..., help="Email address (sign-in name)."),
    role: str = typer.Option(..., "--role", help="patient, clinician or admin."),
    name: str = typer.Option("", "--name", help="Display name."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="Password."
    ),
) -> None:
    """Create a user account."""
    from painpath.services.accounts import create_user
    from painpath.services.errors import ServiceError
    from painpath.services.runtime import open_services, system_context

    services = open_services()
    try:
        user = create_user(
            system_context(services),
            {"email": email, "role": role, "display_name": name, "password": password},
        )
    except ServiceError as error:
        _fail(error.describe())
    typer.echo(f"Created {user.role} {user.email} (id {user.id}).")


@app.command()
def config() -> None:
    """Show the settings in force (secrets masked)."""
    from rich.console import Console
    from rich.table import Table

    from painpath.settings import get_settings

    settings = get_settings()
    table = Table(title="painpath settings (environment prefix PAINPATH_)")
    table.add_column("setting")
    table.add_column("value")
    for name, value in settings.model_dump().items():
        if name == "secret_key":
            shown = "(set in environment, hidden)" if value else "(stored in data dir, hidden)"
        elif name == "database_url":
            shown = _masked_url(settings.resolved_database_url())
        else:
            shown = str(value)
        table.add_row(name, shown)
    Console().print(table)


def _masked_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg="red", err=True)
    raise typer.Exit(code=1)


def main() -> None:
    app()
