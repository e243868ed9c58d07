"""Clinical commands: `content check`, `check`, `score`, `instruments`.

Kept apart from cli.py so that `painpath --help` imports none of this."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer

from painpath.interop import json_text

content_app = typer.Typer(help="Clinical content: validate and inspect.", no_args_is_help=True)
instruments_app = typer.Typer(
    help="Validated instruments: list them, load a clinic's licensed text.", no_args_is_help=True
)

TIER_STYLE = {
    "EMERGENCY": "bold white on red",
    "URGENT": "bold white on dark_orange",
    "SOON": "bold black on yellow",
    "SAFETY-NET": "bold black on cyan",
}


def _settings_overrides() -> Path | None:
    from painpath.settings import get_settings

    return get_settings().content_overrides


def _catalog():
    from painpath.catalog import ContentError, get_catalog

    try:
        return get_catalog(_settings_overrides())
    except ContentError as error:
        for problem in error.problems:
            typer.secho(problem, fg="red", err=True)
        raise typer.Exit(code=1) from None


@content_app.command("check")
def content_check() -> None:
    """Validate all clinical content: schemas, references, conditions, rule examples."""
    from painpath.catalog import check_content

    catalog, problems = check_content(_settings_overrides())
    if problems:
        for problem in problems:
            typer.secho(problem, fg="red", err=True)
        typer.secho(f"{len(problems)} problem(s) in content.", fg="red", err=True)
        raise typer.Exit(code=1)
    assert catalog is not None
    examples = sum(
        len(r.examples.fires) + len(r.examples.does_not_fire) for r in catalog.redflags.rules
    )
    typer.echo(
        f"Content OK (version {catalog.version}): {len(catalog.checkin.items)} check-in "
        f"questions, {len(catalog.redflags.rules)} red-flag rules ({examples} examples "
        f"checked), {len(catalog.instruments)} instruments, {len(catalog.exercises)} "
        f"exercises, {len(catalog.references)} references."
    )


@instruments_app.command("list")
def instruments_list() -> None:
    """The instruments painpath can score, with licence status."""
    from rich.console import Console
    from rich.table import Table

    catalog = _catalog()
    table = Table(title="Instruments (item text is never shipped; load it with `instruments load`)")
    for col in ("id", "name", "items", "region", "licence", "time frame"):
        table.add_column(col)
    for inst in catalog.instruments.values():
        m = inst.meta
        table.add_row(
            m.id, m.name, str(len(m.items)), "/".join(m.regions), m.licence.status, m.time_frame
        )
    Console().print(table)


@instruments_app.command("load")
def instruments_load(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="FHIR R4 Questionnaire (JSON)."
    ),
    as_: str = typer.Option(..., "--as", help="Instrument id, e.g. sbst, odi, hoos."),
) -> None:
    """Load a clinic's licensed item text. linkIds and answer codes must map one to one."""
    from painpath.interop.fhir_questionnaire import QuestionnaireMismatch, parse_json
    from painpath.services.errors import ServiceError
    from painpath.services.instruments import load_text
    from painpath.services.runtime import open_services, system_context

    catalog = _catalog()
    if as_ not in catalog.instruments:
        _fail(f"unknown instrument {as_!r}; choose one of {', '.join(catalog.instruments)}")
    try:
        data = parse_json(file.read_bytes())
        loaded = load_text(system_context(open_services()), as_, data)
    except QuestionnaireMismatch as error:
        typer.secho(f"{file} does not match {as_}:", fg="red", err=True)
        for problem in error.problems:
            typer.secho(f"  - {problem}", fg="red", err=True)
        raise typer.Exit(code=1) from None
    except ServiceError as error:
        _fail(error.describe())
    typer.echo(
        f"Loaded {len(loaded.items)} items of {loaded.title} as {as_}. Clinicians now see "
        "this text when they administer it."
    )


def check(
    answers: Path | None = typer.Option(
        None, "--answers", exists=True, dir_okay=False, help="JSON answers keyed by item id."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    on: str | None = typer.Option(
        None, "--date", help="Assessment date (YYYY-MM-DD); default today."
    ),
) -> None:
    """Check in: safety questions first, then an explained, sourced result.

    Interactive in the terminal, or non-interactive with --answers FILE.json."""
    from painpath.core.questionnaire import validate_answers
    from painpath.services.checkins import evaluate

    catalog = _catalog()
    today = _parse_date(on)
    if answers is not None:
        try:
            raw = json_text.loads(answers.read_bytes())
        except json_text.JSONTextError as exc:
            _fail(f"{answers}: {exc}")
        if not isinstance(raw, dict):
            _fail(f"{answers} must hold one JSON object of answers keyed by item id")
        clean, problems = validate_answers(catalog.checkin, raw, complete=True, clinician=True)
        if problems:
            result = evaluate(catalog, clean, {}, today)
            if as_json:
                print(
                    json.dumps(
                        {
                            "ok": False,
                            "problems": [{"item": p.item, "problem": p.message} for p in problems],
                        },
                        indent=2,
                    )
                )
            else:
                typer.secho(
                    f"{answers}: {len(problems)} answer(s) need fixing:", fg="red", err=True
                )
                for p in problems:
                    typer.secho(f"  - {p.item}: {p.message}", fg="red", err=True)
                if result.screening.flags:
                    typer.secho(
                        "Note: the valid answers already raise a warning sign "
                        f"({result.screening.highest_tier.value}); fix the file and run again.",
                        fg="red",
                        err=True,
                    )
            raise typer.Exit(code=1)
    else:
        if as_json and not sys.stdin.isatty():
            _fail("interactive check-in needs a terminal; use --answers FILE.json")
        clean = _interactive(catalog, today)
    result = evaluate(catalog, clean, {}, today)
    if as_json:
        print(
            json.dumps(
                {"ok": True, "answers": clean, "result": result.model_dump(mode="json")}, indent=2
            )
        )
    else:
        _print_result(catalog, result)
    if result.screening.stop:
        raise typer.Exit(code=3)  # a red flag: scripts can tell this result apart


def _parse_date(on: str | None) -> date:
    if on is None:
        return date.today()
    try:
        return date.fromisoformat(on)
    except ValueError:
        _fail(f"--date must be YYYY-MM-DD, not {on!r}")
        raise


def _interactive(catalog: Any, today: date) -> dict[str, Any]:
    from rich.console import Console
    from rich.prompt import Confirm, IntPrompt, Prompt

    from painpath.core.questionnaire import ItemType, coerce_answer, enabled_items
    from painpath.core.screening import emergency_settled, stops_now
    from painpath.services.checkins import evaluate

    console = Console()
    console.rule(f"[bold]{catalog.checkin.title}")
    console.print(catalog.checkin.description)
    answers: dict[str, Any] = {}
    for step in catalog.checkin.steps:
        asked: set[str] = set()
        while True:
            items = [
                i
                for i in enabled_items(catalog.checkin, step, answers, clinician=False)
                if i.id not in asked
            ]
            if not items:
                break
            if not asked:
                console.rule(step.title)
                if step.intro:
                    console.print(f"[dim]{step.intro}[/dim]")
            item = items[0]
            asked.add(item.id)
            value = _ask(console, item, Confirm, IntPrompt, Prompt, ItemType, coerce_answer)
            if value is not None:
                answers[item.id] = value
                # Screen after every answer: an emergency stops the check-in at once,
                # unless it rests on a question of this step still to come (a known
                # aneurysm, before "is this pain new?").
                pending = [
                    i
                    for i in enabled_items(catalog.checkin, step, answers, clinician=False)
                    if i.id not in asked
                ]
                if emergency_settled(answers, catalog.redflags, pending):
                    return answers
        # Lesser stopping flags stop once the safety steps are answered.
        if stops_now(evaluate(catalog, answers, {}, today).screening, catalog.checkin, step.id):
            return answers
    return answers


def _ask(console, item, Confirm, IntPrompt, Prompt, ItemType, coerce_answer):  # noqa: N803
    label = item.text + ("" if item.required else " [dim](optional, Enter to skip)[/dim]")
    while True:
        if item.type == ItemType.boolean:
            return Confirm.ask(label)
        if item.type in (ItemType.choice, ItemType.multi_choice):
            for n, option in enumerate(item.options, start=1):
                console.print(f"  {n}. {option.text}")
            prompt = "Number" if item.type == ItemType.choice else "Numbers, separated by spaces"
            raw = Prompt.ask(f"{label}\n{prompt}", default="" if not item.required else None)
            if not raw and not item.required:
                return None
            try:
                picks = [item.options[int(x) - 1].code for x in raw.split()]
            except (ValueError, IndexError):
                console.print("[red]Please type the number of an answer.[/red]")
                continue
            value = picks[0] if item.type == ItemType.choice and len(picks) == 1 else picks
        elif item.type == ItemType.rated_activities:
            entries = []
            console.print(label)
            for n in range(1, (item.max_entries or 5) + 1):
                name = Prompt.ask(f"Activity {n} (Enter to finish)", default="")
                if not name:
                    break
                score = IntPrompt.ask(f"  Score for {name!r}, 0 = cannot do it, 10 = as before")
                entries.append({"activity": name, "score": score})
            value = entries or None
            if value is None:
                return None
        elif item.type == ItemType.text:
            value = Prompt.ask(label, default="") or None
            if value is None:
                return None
        else:
            hint = f" ({item.anchors[0]} = 0, {item.anchors[1]} = 10)" if item.anchors else ""
            raw = Prompt.ask(f"{label}{hint}", default="" if not item.required else None)
            if not raw and not item.required:
                return None
            try:
                value = float(raw) if item.type == ItemType.decimal else int(raw)
            except ValueError:
                console.print("[red]Please type a number.[/red]")
                continue
        clean, problem = coerce_answer(item, value)
        if problem:
            console.print(f"[red]{problem}[/red]")
            continue
        return clean


def _print_result(catalog: Any, result: Any) -> None:
    from rich.console import Console
    from rich.panel import Panel

    from painpath.core.statements import Audience

    console = Console()
    sources: list[str] = []

    def cite(keys: tuple[str, ...]) -> str:
        marks = []
        for key in keys:
            if key not in sources:
                sources.append(key)
            marks.append(str(sources.index(key) + 1))
        return f"[dim][{','.join(marks)}][/dim]"

    screening = result.screening
    if screening.stop:
        flag = screening.flags[0]
        body = [
            f"[bold]{flag.title}[/bold]",
            "",
            flag.action,
            "",
            f"[bold]How fast:[/bold] {flag.timeframe}",
            "",
            "[bold]Why:[/bold]",
        ]
        body += [f"• {r}" for r in flag.reasons]
        body += [f"• You said: {a}" for a in flag.answers]
        body.append(cite(flag.sources))
        for other in screening.flags[1:]:
            body.append(
                f"\nAlso: [{TIER_STYLE[other.tier.value]}] {other.tier.value} [/] {other.title}"
            )
        console.print(
            Panel(
                "\n".join(body),
                title=f"[{TIER_STYLE[flag.tier.value]}] {flag.tier.value} [/]",
                border_style="red",
            )
        )
        console.print(
            "[bold]The check-in stops here.[/bold] Please follow the advice above; "
            "a clinician needs to see you."
        )
    else:
        for flag in screening.flags:
            console.print(
                f"[{TIER_STYLE[flag.tier.value]}] {flag.tier.value} [/] {flag.title}. "
                f"{flag.action} {cite(flag.sources)}"
            )
        titles = {
            "stratification": "What kind of care fits",
            "care_level": "Recommended care",
            "imaging": "Do I need a scan?",
            "category": "What kind of back pain",
            "medicines": "Medicines",
            "beliefs": "Things worth talking about",
        }
        for st in screening.statements:
            if st.kind == "safety_net":
                console.print(
                    Panel(f"{st.text} {cite(st.sources)}", title="Safety", border_style="cyan")
                )
        for name, title in titles.items():
            statements = [
                s for s in result.sections.get(name, ()) if s.for_audience(Audience.patient)
            ]
            if not statements:
                continue
            console.rule(title)
            for st in statements:
                console.print(f"{st.text} {cite(st.sources)}")
                for reason in st.reasons:
                    console.print(f"  [dim]because: {reason}[/dim]")
    console.rule("Sources")
    for n, key in enumerate(sources, start=1):
        ref = catalog.references[key]
        console.print(f"[dim]{n}. {ref.citation()} {ref.url}[/dim]")
    console.print(
        f"[dim]Content version {result.content_version}. painpath never clears anyone: "
        "if things change, ask again.[/dim]"
    )


def score(
    instrument: str = typer.Argument(..., help="Instrument id (see `painpath instruments list`)."),
    input_file: Path = typer.Argument(..., exists=True, dir_okay=False, metavar="INPUT.{csv,json}"),
    out: Path | None = typer.Option(
        None, "--out", help="Write results here (.csv or .json); default: CSV to stdout."
    ),
    option: list[str] = typer.Option(
        [], "--option", help="Scoring option KEY=VALUE, e.g. format=checklist."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
) -> None:
    """Score many responses. Bad rows are reported by row and item; valid rows still score."""
    from rich.console import Console
    from rich.progress import Progress

    from painpath.interop import csv_safe
    from painpath.interop.batch_scoring import (
        BatchInputError,
        BatchReport,
        output_columns,
        read_rows,
        score_rows,
    )

    catalog = _catalog()
    inst = catalog.instruments.get(instrument)
    if inst is None:
        _fail(f"unknown instrument {instrument!r}; choose one of {', '.join(catalog.instruments)}")
    options = {}
    for pair in option:
        key, sep, value = pair.partition("=")
        if not sep:
            _fail(f"--option must be KEY=VALUE, not {pair!r}")
        options[key.strip()] = value.strip()
    from painpath.core.instruments import InstrumentInputError

    try:
        inst.score({}, options)  # options are checked once, before the file is read
    except InstrumentInputError:
        pass  # an empty response is not the point here
    except ValueError as error:
        _fail(str(error))
    try:
        rows, total = read_rows(input_file, inst)
    except BatchInputError as error:
        _fail(str(error))
    columns = output_columns(inst)
    report = BatchReport()
    as_json = out is not None and out.suffix.lower() == ".json"
    tmp = out.with_name(out.name + ".part") if out else None
    handle = tmp.open("w", newline="", encoding="utf-8") if tmp else sys.stdout
    collected: list[dict[str, Any]] = []
    writer = csv_safe.writer(handle, lineterminator="\n")
    if as_json:

        def write(values: list[Any]) -> None:
            collected.append(dict(zip(columns, values, strict=True)))

    else:
        writer.writerow(columns)
        write = writer.writerow
    err = Console(stderr=True, width=200)
    show = not quiet and err.is_terminal and input_file.stat().st_size > 1_000_000
    done = False
    try:
        if show:
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task(f"Scoring {input_file.name}", total=total)
                score_rows(
                    inst, rows, options, write, report, lambda n: progress.update(task, completed=n)
                )
        else:
            score_rows(inst, rows, options, write, report)
        if as_json:
            json.dump(collected, handle, indent=1)
        done = True
    except (csv.Error, UnicodeDecodeError) as error:
        _fail(f"{input_file}: cannot read row {report.rows + 1}: {error}; nothing was written")
    finally:
        if tmp:
            handle.close()
            if not done:
                tmp.unlink(missing_ok=True)
    if tmp and out:
        tmp.replace(out)  # all or nothing: no half-written results file
    for line in report.errors[:50]:
        err.print(f"[red]{line}[/red]", highlight=False)
    if len(report.errors) > 50:
        err.print(f"[red]... and {len(report.errors) - 50} more rows with errors[/red]")
    err.print(
        f"{report.rows} rows: {report.scored} scored, {report.incomplete} incomplete "
        f"(missing-answer rule), {report.failed} with errors.",
        highlight=False,
    )
    if report.failed:
        raise typer.Exit(code=2)


def _fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg="red", err=True)
    raise typer.Exit(code=1)


def plan(
    answers: Path = typer.Option(
        ..., "--answers", exists=True, dir_okay=False, help="Check-in answers (JSON), as for check."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the programme as JSON."),
    on: str | None = typer.Option(None, "--date", help="Date (YYYY-MM-DD); default today."),
) -> None:
    """Build the home programme for a check-in answers file, without a database.

    A red flag gets no programme: the screening advice is printed instead (exit code 3)."""
    from painpath.core.programs import build_programme
    from painpath.core.questionnaire import validate_answers
    from painpath.services.checkins import evaluate

    catalog = _catalog()
    try:
        raw = json_text.loads(answers.read_bytes())
    except json_text.JSONTextError as exc:
        _fail(f"{answers}: {exc}")
    if not isinstance(raw, dict):
        _fail(f"{answers} must hold one JSON object of answers keyed by item id")
    clean, problems = validate_answers(catalog.checkin, raw, complete=True, clinician=True)
    if problems:
        for p in problems:
            typer.secho(f"  - {p.item}: {p.message}", fg="red", err=True)
        _fail(f"{answers}: {len(problems)} answer(s) need fixing")
    result = evaluate(catalog, clean, {}, _parse_date(on))
    if result.programme_inputs is None or catalog.programme_rules is None:
        if as_json:
            print(
                json.dumps(
                    {"ok": False, "screening": result.screening.model_dump(mode="json")}, indent=2
                )
            )
        else:
            _print_result(catalog, result)
        raise typer.Exit(code=3)
    programme = build_programme(
        result.programme_inputs, catalog.exercises, catalog.programme_rules, catalog.version
    )
    if as_json:
        print(json.dumps({"ok": True, "programme": programme.model_dump(mode="json")}, indent=2))
        return
    from rich.console import Console

    console = Console()
    console.rule("Your home programme")
    for n, item in enumerate(programme.items, start=1):
        d = item.dosage
        amount = (
            d.reps
            and f"{d.reps} reps"
            or d.hold_seconds
            and f"hold {d.hold_seconds} s"
            or (d.minutes and f"{d.minutes} min")
            or (d.breaths and f"{d.breaths} breaths")
        )
        console.print(
            f"[bold]{n}. {item.name}[/bold]: {d.sets} × {amount}, {d.days_per_week} days a week"
        )
        for reason in item.reasons:
            console.print(f"   [dim]because: {reason}[/dim]")
    for out in programme.left_out:
        console.print(f"[yellow]Left out[/yellow] {out.name}: {out.reason}")


def handout(
    patient: int | None = typer.Option(
        None, "--patient", help="Patient id: their current programme."
    ),
    programme: int | None = typer.Option(None, "--programme", help="Or: a programme id."),
    answers: Path | None = typer.Option(
        None, "--answers", exists=True, dir_okay=False, help="Or: a check-in answers file."
    ),
    out: Path = typer.Option(Path("handout.pdf"), "--out", help="Where to write the PDF."),
    name: str | None = typer.Option(None, "--name", help="Name printed on an answers handout."),
) -> None:
    """Write a printable PDF of a programme: a patient's current one, or the one a
    check-in answers file leads to."""
    if sum(x is not None for x in (patient, programme, answers)) != 1:
        _fail("give exactly one of --patient ID, --programme ID or --answers FILE")
    if answers is not None:
        from datetime import date as date_cls

        from painpath.core.programs import build_programme
        from painpath.core.questionnaire import validate_answers
        from painpath.reports.handout import HandoutItem, handout_html, handout_pdf
        from painpath.services.checkins import evaluate
        from painpath.settings import get_settings

        catalog = _catalog()
        try:
            raw = json_text.loads(answers.read_bytes())
        except json_text.JSONTextError as exc:
            _fail(f"{answers}: {exc}")
        clean, problems = validate_answers(catalog.checkin, raw, complete=True, clinician=True)
        if problems:
            _fail("; ".join(f"{p.item}: {p.message}" for p in problems))
        result = evaluate(catalog, clean, {}, date_cls.today())
        if result.programme_inputs is None or catalog.programme_rules is None:
            typer.secho(
                "A warning sign was found: no programme until a clinician has seen the person.",
                fg="red",
                err=True,
            )
            raise typer.Exit(code=3)
        built = build_programme(
            result.programme_inputs, catalog.exercises, catalog.programme_rules, catalog.version
        )
        html = handout_html(
            [HandoutItem(catalog.exercises[c.exercise], c.dosage, c.reasons) for c in built.items],
            clinic_name=get_settings().clinic_name,
            person=name,
            start=date_cls.today(),
            left_out=[x.model_dump() for x in built.left_out],
        )
        pdf = handout_pdf(html)
    else:
        from painpath.services import programmes
        from painpath.services.errors import ServiceError
        from painpath.services.runtime import open_services, system_context

        try:
            ctx = system_context(open_services())
            if programme is not None:
                _, pdf = programmes.handout(
                    ctx, programmes.patient_of_programme(ctx, programme), programme
                )
            else:
                _, pdf = programmes.handout(ctx, patient)
        except ServiceError as error:
            _fail(error.describe())
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(pdf)
    tmp.replace(out)
    typer.echo(f"Wrote {out} ({len(pdf) // 1024} KiB).")


def report(
    patient: int = typer.Argument(..., help="Patient id.", min=1, max=2_147_483_647),
    pdf: Path = typer.Option(..., "--pdf", dir_okay=False, help="Where to write the PDF."),
) -> None:
    """Write a patient's progress report (the referring clinician's version): warning
    signs and reviews, change against baseline with its reasons, charts, sessions."""
    from painpath.reports.progress_report import progress_pdf
    from painpath.services.errors import ServiceError
    from painpath.services.runtime import open_services, system_context

    try:
        _, data = progress_pdf(system_context(open_services()), patient)
    except ServiceError as error:
        _fail(error.describe())
    tmp = pdf.with_name(pdf.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(pdf)
    typer.echo(f"Wrote {pdf} ({len(data) // 1024} KiB).")
