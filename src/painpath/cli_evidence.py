"""`painpath evidence import|reindex` and `painpath search`: the evidence search from the
terminal. Heavy modules are imported inside the commands (see cli.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer

evidence_app = typer.Typer(
    help="The evidence search's corpus: import a clinic's passages, rebuild the index.",
    no_args_is_help=True,
)


def _fail(message: str, code: int = 1) -> None:
    typer.secho(message, fg="red", err=True)
    raise typer.Exit(code=code)


def _services_context():
    from painpath.services.runtime import check_schema_current, open_services, system_context
    from painpath.settings import get_settings

    problem = check_schema_current(get_settings())
    if problem:
        _fail(problem)
    return system_context(open_services())


@evidence_app.command("import")
def evidence_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A JSONL corpus file."),
    corpus: str | None = typer.Option(
        None, "--corpus", help="Name for this corpus (default: the file name)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Remove the corpus's passages that are not in this file."
    ),
    show: int = typer.Option(20, "--show", min=0, help="How many rejected rows to list."),
) -> None:
    """Import passages (BEIR-style JSONL rows: _id or id, title, text, and optionally url,
    source, licence) into the evidence search. Bad rows are reported by line and skipped;
    the good ones are stored together or not at all, then the index is rebuilt."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
    from sqlalchemy.exc import SQLAlchemyError

    from painpath.services import evidence
    from painpath.services.errors import ServiceError

    name = corpus or re.sub(r"[^a-z0-9_-]+", "-", file.stem.lower()).strip("-_")[:80] or "corpus"
    ctx = _services_context()
    console = Console(stderr=True)
    with file.open("rb") as counting:
        total = sum(1 for _ in counting)
    try:
        with (
            file.open(encoding="utf-8", errors="strict") as handle,
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                console=console,
                transient=True,
            ) as bar,
        ):
            task = bar.add_task(f"Reading {file.name}", total=total)
            report = evidence.import_corpus(
                ctx,
                handle,
                name,
                replace=replace,
                progress=lambda n: bar.update(task, completed=n),
            )
            bar.update(task, completed=total, description="Indexing")
            info = evidence.reindex(ctx, progress=_index_progress(bar))
    except UnicodeDecodeError as error:
        _fail(f"{file} is not UTF-8 text (byte {error.start}); nothing was imported.")
    except (ServiceError, ValueError) as error:
        _fail(error.describe() if isinstance(error, ServiceError) else str(error))
    except SQLAlchemyError as error:
        _fail(f"The database refused the import ({type(error).__name__}); nothing was imported.")
    typer.echo(
        f"Corpus {name!r}: read {report.read} row(s): {report.added} added, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.removed} removed, "
        f"{len(report.rejected)} rejected."
    )
    for rejected in report.rejected[:show]:
        who = f" ({rejected.id})" if rejected.id else ""
        typer.secho(f"  line {rejected.line}{who}: {rejected.reason}", fg="yellow")
    if len(report.rejected) > show:
        typer.echo(f"  ... and {len(report.rejected) - show} more (use --show N to list them)")
    typer.echo(f"Index {info.version}: {info.documents} passages searchable.")
    if info.note:
        typer.echo(info.note)
    if report.rejected and not (report.added or report.updated):
        raise typer.Exit(code=1)


def _index_progress(bar):
    tasks: dict[str, int] = {}

    def progress(stage: str, done: int, todo: int) -> None:
        if stage not in tasks:
            label = "Indexing" if stage == "index" else "Computing passage vectors"
            tasks[stage] = bar.add_task(label, total=max(todo, 1))
        bar.update(tasks[stage], completed=done, total=max(todo, 1))

    return progress


@evidence_app.command("reindex")
def evidence_reindex() -> None:
    """Rebuild the search index from painpath's content and the imported passages (and,
    with the semantic extra, compute any passage vectors not yet stored)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from painpath.services import evidence

    ctx = _services_context()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        info = evidence.reindex(ctx, progress=_index_progress(bar))
    tier = "lexical + semantic" if info.semantic else "lexical"
    typer.echo(f"Index {info.version}: {info.documents} passages searchable ({tier}).")
    if info.note:
        typer.echo(info.note)


def search(
    query: str = typer.Argument(..., help="A question, in your own words."),
    limit: int = typer.Option(5, "--limit", min=1, max=50),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for programs."),
) -> None:
    """Search painpath's articles, exercises and explanations, and any imported corpus."""
    from painpath.services import evidence

    ctx = _services_context()
    found = evidence.search(ctx, query, limit)
    if as_json:
        typer.echo(json.dumps(evidence.as_dict(found), indent=2))
        return
    from rich.console import Console
    from rich.markup import escape

    from painpath.catalog import get_catalog

    console = Console()
    found_refs = get_catalog().references
    for card in found.answers:
        console.rule(f"[bold]{escape(card.title)}[/bold]")
        console.print(escape(card.text))
        cited = [found_refs[k].short() if k in found_refs else k for k in card.sources]
        console.print("Sources: " + escape("; ".join(cited)), style="dim")
        if card.article:
            console.print(f"Read more: /learn/{card.article}", style="dim")
    if not found.results:
        console.print("Nothing matched. Try other words, e.g. 'sciatica' or 'sore hip'.")
    for n, result in enumerate(found.results, start=1):
        doc = result.doc
        heading = f" \u2014 {doc.heading}" if doc.heading else ""
        console.print(f"\n[bold]{n}. {escape(doc.title)}{escape(heading)}[/bold]")
        console.print(f"   {escape(doc.source)} \u00b7 {doc.url or doc.id}", style="dim")
        snippet = re.sub(r"</?mark>", "", result.snippet)
        console.print("   " + escape(_unescape(snippet)))
        for why in result.why:
            console.print(f"   \u2022 {escape(why)}", style="green")
    for typed, right in found.corrections:
        console.print(f"Showing results for \u201c{right}\u201d (you typed \u201c{typed}\u201d).")
    for note in found.notes:
        console.print(note, style="dim")


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)
