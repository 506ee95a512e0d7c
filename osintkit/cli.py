"""The ``osintkit`` command line: ingest, verify, run, tag, geocode, claims."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import LanguageWarning, OsintkitError
from .model import MENTION_LABELS


def _fail(exc: OsintkitError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


def _workers_option(_ctx: click.Context, _param: click.Parameter, value: str) -> int | str:
    if value == "auto":
        return value
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise click.BadParameter(f"{value!r} is neither a positive number nor auto")


def _load_one(path: str) -> Any:
    from .sources import load

    result = load(path, on_error="raise")
    if len(result) == 0:
        raise OsintkitError(f"{path}: no document could be read")
    return result


_python_showwarning = warnings.showwarning


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    # The kit's own warnings are for the analyst, so they read as one line, without Python's source location.
    if issubclass(category, LanguageWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        _python_showwarning(message, category, *args, **kwargs)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="osintkit")
def main() -> None:
    """osintkit: an offline OSINT research notebook kit.

    Load sources with provenance into a case (one SQLite file with a tamper-evident custody log), tag entities,
    resolve places, extract and corroborate claims, rate sources on the Admiralty scale, and export the findings.
    Nothing reaches the network unless you opt in.
    """
    warnings.showwarning = _show_warning


F = TypeVar("F", bound=Callable[..., Any])


def _folder_globs(command: F) -> F:
    """The ``--include``/``--exclude`` options of every command that loads sources (ingest, run)."""
    command = click.option(
        "--exclude", multiple=True, help="Glob of files to exclude when a source is a folder (repeatable)."
    )(command)
    return click.option(
        "--include", multiple=True, help="Glob of files to include when a source is a folder (repeatable)."
    )(command)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--case", "case_path", required=True, type=click.Path(dir_okay=False), help="The case file (SQLite).")
@_folder_globs
@click.option("--actor", default=None, help="Who is acting, for the custody log (default: the OS user).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(
    sources: tuple[str, ...], case_path: str, include: tuple[str, ...], exclude: tuple[str, ...],
    actor: str | None, quiet: bool,
) -> None:  # fmt: skip
    """Load SOURCES (files, folders) into a case, hashing the raw bytes and logging custody.

    Ingesting the same bytes again adds nothing. A bad file never stops a folder: every skipped file is reported.
    """
    from .pipeline import ingest as do_ingest
    from .store import Case

    try:
        with Case(case_path, actor=actor) as case:
            report = do_ingest(case, sources, quiet=quiet, include=list(include) or None, exclude=list(exclude) or None)
    except OsintkitError as exc:
        _fail(exc)
    click.echo(str(report))


@main.command()
@click.option("--case", "case_path", default=None, type=click.Path(dir_okay=False), help="Case file.")
@click.option("--bundle", "bundle_path", default=None, type=click.Path(dir_okay=False), help="A bundle (.zip).")
@click.option(
    "--expect-head", default=None, metavar="HASH",
    help="The custody head the case must end with (from an export, a bundle or a colleague): catches stale copies.",
)  # fmt: skip
@click.option(
    "--tsa-root", "tsa_roots", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="PEM",
    help="A time-stamping authority root you trust: check the case's stored RFC 3161 timestamps against it.",
)  # fmt: skip
def verify(case_path: str | None, bundle_path: str | None, expect_head: str | None, tsa_roots: tuple[str, ...]) -> None:
    """Re-hash every stored record and walk the custody chain, offline; the case file is opened read-only.

    Exits 0 when intact; exits 1 and names the first tampered record otherwise (2 when the file cannot be used).
    """
    from .store import Case

    if (case_path is None) == (bundle_path is None):
        raise click.UsageError("give one of --case FILE or --bundle FILE")
    if tsa_roots and bundle_path is not None:
        raise click.UsageError("--tsa-root checks a case's timestamps: give --case")
    try:
        if bundle_path is not None:
            from .bundle import verify_bundle

            report = verify_bundle(bundle_path, expect_head=expect_head)
        else:
            assert case_path is not None
            with Case(case_path, readonly=True) as case:
                report = case.verify(expect_head=expect_head)
                if tsa_roots:
                    from .timestamp import check_timestamps

                    roots = [Path(p).read_bytes() for p in tsa_roots]
                    stamped, problems = check_timestamps(case, roots)
                    report.problems += problems
                    report.ok = report.ok and not problems
                    click.echo(f"{stamped} trusted timestamps checked", err=True)
    except OsintkitError as exc:
        _fail(exc)
    if report.ok:
        click.echo(str(report))
        return
    click.echo(f"TAMPERED: first problem: {report.first_problem}", err=True)
    for problem in report.problems[1:]:
        click.echo(f"  also: {problem}", err=True)
    sys.exit(1)


@main.command()
@click.option("--case", "case_path", required=True, type=click.Path(dir_okay=False), help="Case file.")
@click.option(
    "--bundle", "bundle_path", required=True, type=click.Path(dir_okay=False),
    help="Write one zip: a consistent copy of the case, the raw files, findings.json, and a manifest of SHA-256 "
    "sums with the custody head.",
)  # fmt: skip
def export(case_path: str, bundle_path: str) -> None:
    """Export a case to travel whole: ``osintkit verify --bundle FILE`` checks it anywhere, offline."""
    from .bundle import write_bundle
    from .store import Case

    try:
        with Case(case_path, readonly=True) as case:
            manifest = write_bundle(case, bundle_path)
    except OsintkitError as exc:
        _fail(exc)
    click.echo(f"bundle: {bundle_path}")
    click.echo(f"custody head: {manifest['custody']['head']}")


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the findings.")
@click.option("--case", "case_path", default=None, type=click.Path(dir_okay=False), help="Default: OUT/case.sqlite.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:port) to scale out the analysis.")
@click.option("--batch-size", default=32, show_default=True, help="Documents per analysis batch.")
@click.option(
    "--workers", default="auto", show_default=True, callback=_workers_option,
    help="Local analysis processes: a number, or auto (one per core for runs of more than a few batches).",
)  # fmt: skip
@click.option(
    "--format", "formats", multiple=True, help="Export only these formats (json, md, html, csv, geojson, stix)."
)
@_folder_globs
@click.option("--actor", default=None, help="Who is acting, for the custody log (default: the OS user).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def run(
    sources: tuple[str, ...], out_dir: str, case_path: str | None, scheduler: str | None, batch_size: int,
    workers: int | str, formats: tuple[str, ...], include: tuple[str, ...], exclude: tuple[str, ...], actor: str | None,
    quiet: bool,
) -> None:  # fmt: skip
    """Run every stage on SOURCES and write OUT/findings.json, OUT/report.md and the other exports.

    Re-running on the same case adds no duplicates and resumes an interrupted run where it stopped.
    """
    from .pipeline import run as do_run
    from .store import Case

    try:
        case_file = Path(case_path) if case_path else Path(out_dir) / "case.sqlite"
        case_file.parent.mkdir(parents=True, exist_ok=True)
        with Case(case_file, actor=actor) as case:
            result = do_run(
                sources, out_dir, case=case, quiet=quiet, batch_size=batch_size, scheduler=scheduler, workers=workers,
                formats=list(formats) or None, include=list(include) or None, exclude=list(exclude) or None,
            )  # fmt: skip
    except OsintkitError as exc:
        _fail(exc)
    click.echo(str(result))
    if result.report_path is not None:
        click.echo(f"Report: {result.report_path}")


@main.command()
@click.option("--case", "case_path", required=True, type=click.Path(exists=True, dir_okay=False), help="Case file.")
@click.option("--tsa", "tsa_url", required=True, metavar="URL", help="The RFC 3161 time-stamping authority to ask.")
@click.option("--allow-network", is_flag=True, help="Allow the request to the authority (off: nothing is sent).")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds for the whole answer.")
def timestamp(case_path: str, tsa_url: str, allow_network: bool, timeout: float) -> None:
    """Have a time-stamping authority sign the case's custody head (RFC 3161); the token is stored in the case."""
    from .store import Case
    from .timestamp import timestamp_case

    try:
        with Case(case_path) as case:
            record = timestamp_case(case, tsa_url, allow_network=allow_network, timeout=timeout)
    except OsintkitError as exc:
        _fail(exc)
    click.echo(f"custody head {record['head']} (entry {record['seq']}) timestamped {record['gen_time']} by {tsa_url}")


def _parse_label_map(pairs: tuple[str, ...]) -> dict[str, str] | None:
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        typ, sep, label = pair.partition("=")
        if not sep or not typ.strip() or not label.strip():
            raise click.BadParameter(f"{pair!r} is not TYPE=LABEL (for example PER=PERSON)", param_hint="--label-map")
        out[typ.strip()] = label.strip()
    return out


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--model",
    "model_name",
    default=None,
    metavar="NAME_OR_PATH",
    help="A Hugging Face token-classification model (hub name or local folder) instead of the shipped one.",
)
@click.option(
    "--allow-download",
    is_flag=True,
    help="Let --model fetch from the Hugging Face Hub (off: nothing leaves this machine).",
)
@click.option(
    "--label-map",
    multiple=True,
    metavar="TYPE=LABEL",
    help="Map one of --model's entity types onto an osintkit label, e.g. PER=PERSON (repeatable; unmapped types "
    "are dropped). Default: the CoNLL types PER, ORG, LOC.",
)
@click.option("--fp32", is_flag=True, help="Run the shipped model in fp32, not int8: a little more accurate, slower.")
@click.option(
    "--no-rules",
    is_flag=True,
    help="No rule mentions (DATE, QUANTITY, NORP, VESSEL, EVENT, LAW, AWARD): the model's only.",
)
@click.option("--no-gazetteer", is_flag=True, help="No place names from the gazetteer (regions, countries as actors).")
@click.option("--label", "labels", multiple=True, help="Print only mentions with this label, e.g. PERSON (repeatable).")
def tag(
    file: str,
    model_name: str | None,
    allow_download: bool,
    label_map: tuple[str, ...],
    fp32: bool,
    no_rules: bool,
    no_gazetteer: bool,
    labels: tuple[str, ...],
) -> None:
    """Tag entities in FILE; print one JSON object per mention (start, end, text, label, score, source)."""
    from .entities import EntityModel, default_model
    from .entities import tag as do_tag

    mapping = _parse_label_map(label_map)
    if mapping is not None and model_name is None:
        raise click.UsageError("--label-map applies to a model given with --model")
    if fp32 and model_name is not None:
        raise click.UsageError("--fp32 applies to the shipped model; a --model runs as it was saved")
    wanted = {label.upper() for label in labels}
    known = set(MENTION_LABELS) | {label.upper() for label in (mapping or {}).values()}
    if wanted - known:
        # A misspelt label would otherwise print nothing, which reads as "no such entities".
        raise click.BadParameter(
            f"unknown label(s) {', '.join(sorted(wanted - known))}; the labels are {', '.join(sorted(known))}",
            param_hint="--label",
        )
    try:
        if model_name is not None:
            model = EntityModel.from_pretrained(model_name, label_map=mapping, allow_download=allow_download)
        else:
            model = default_model(quantize=not fp32)
        for doc in _load_one(file):
            for m in do_tag(doc, model=model, rules=not no_rules, gazetteer=not no_gazetteer):
                if wanted and m.label.upper() not in wanted:
                    continue
                record = {k: getattr(m, k) for k in ("start", "end", "text", "label", "score", "source")}
                record["norm"] = m.norm
                record["doc_id"] = doc.id
                click.echo(json.dumps(record, ensure_ascii=False))
    except OsintkitError as exc:
        _fail(exc)


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--country", default=None, help="Restrict to an ISO 3166 alpha-2 country code.")
@click.option("--all", "show_all", is_flag=True, help="Print every candidate, not only the best.")
def geocode(query: tuple[str, ...], country: str | None, show_all: bool) -> None:
    """Geocode QUERY offline; print the best match as JSON (name, lat, lon, geonameid, country_code, feature)."""
    from .geo import OfflineGeocoder

    text = " ".join(query)
    try:
        result = OfflineGeocoder().geocode(text, exactly_one=not show_all, country=country)
    except OsintkitError as exc:
        _fail(exc)
    locations = [] if result is None else (result if isinstance(result, list) else [result])
    if not locations:
        click.echo(f"error: no match for {text!r}", err=True)
        sys.exit(1)
    for loc in locations:
        raw = loc.raw
        click.echo(
            json.dumps(
                {
                    "name": raw.get("name"),
                    "lat": loc.latitude,
                    "lon": loc.longitude,
                    "geonameid": raw.get("geonameid"),
                    "country_code": raw.get("countryCode"),
                    "feature": raw.get("fcode"),
                    "score": raw.get("score"),
                },
                ensure_ascii=False,
            )
        )


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def claims(file: str) -> None:
    """Extract claims from FILE; print one JSON object per claim (claimant, cue, content, direct, hedged, ...)."""
    from .claims import extract_claims

    try:
        for doc in _load_one(file):
            for claim in extract_claims(doc):
                click.echo(json.dumps(claim.to_dict(), ensure_ascii=False))
    except OsintkitError as exc:
        _fail(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
