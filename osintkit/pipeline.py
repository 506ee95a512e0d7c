"""The batch pipeline: load → store → tag → geoparse → claims → normalise → corroborate → assess → export.

Documents stream through in batches so memory stays flat as a corpus grows. Each document's analysis is written in
one transaction together with a progress marker, so a run killed at any point resumes where it stopped, with no
duplicates and no loss. With a Dask ``Client`` (or a scheduler address) the analysis of each batch runs on the
cluster and the driver merges results into the case, the only writer.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CaseError, LanguageWarning, OsintkitError
from .model import Attachment, Claim, Document, Mention, Place
from .store import Case, IngestReport

if TYPE_CHECKING:
    from .claims import Corroboration

__all__ = ["ANALYSED", "DocumentAnalysis", "RunResult", "analyse_case", "analyse_documents", "ingest", "run"]

ANALYSED = "analysed"
DEFAULT_BATCH = 32


@dataclass
class DocumentAnalysis:
    """Everything the per-document stages found; plain data so it can travel from a Dask worker."""

    doc_id: str
    mentions: list[Mention] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


@dataclass
class RunResult:
    case_path: Path
    out_dir: Path | None
    ingest: IngestReport
    analysed: int
    outputs: dict[str, Path] = field(default_factory=dict)
    corroboration: Corroboration | None = None

    @property
    def report_path(self) -> Path | None:
        return self.outputs.get("md")

    def __str__(self) -> str:
        lines = [f"case: {self.case_path}", f"ingest: {self.ingest}", f"analysed: {self.analysed} documents"]
        lines += [f"{fmt}: {path}" for fmt, path in sorted(self.outputs.items())]
        return "\n".join(lines)


def _quiet(quiet: bool | None) -> bool:
    """``None`` means: progress bars in a Jupyter kernel, where a silent first cell looks hung; none elsewhere.

    Scripts and tests stay silent unless they ask, and the command line passes its ``--quiet`` flag explicitly.
    """
    if quiet is not None:
        return quiet
    shell = sys.modules.get("IPython")
    ipython = getattr(shell, "get_ipython", lambda: None)() if shell is not None else None
    return type(ipython).__name__ != "ZMQInteractiveShell"


def _load_entity_model(quiet: bool) -> None:
    """Load the shipped model with a line saying so: the first load takes seconds and nothing else shows then."""
    from tqdm.auto import tqdm

    from .entities import default_model

    with tqdm(total=1, desc="loading the entity model", bar_format="{desc} ({elapsed})", disable=quiet,
              leave=False) as bar:  # fmt: skip
        default_model()  # cached per process, so the tagger's own call below finds it loaded
        bar.update(1)


def _progress(iterable: Iterable[Any], *, total: int | None, desc: str, quiet: bool) -> Iterator[Any]:
    from tqdm.auto import tqdm

    yield from tqdm(iterable, total=total, desc=desc, disable=quiet, unit="doc", leave=False)


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def analyse_documents(docs: Sequence[Document]) -> list[DocumentAnalysis]:
    """Tag (batched across documents), geoparse and extract claims for a batch of documents."""
    from .claims import extract_claims
    from .entities import tag_many
    from .geo import geoparse
    from .images import photo_place

    with warnings.catch_warnings():
        # The run reports documents not in English once, from the findings (``run``), not once a batch.
        warnings.simplefilter("ignore", LanguageWarning)
        all_mentions = tag_many(list(docs))
    results = []
    for doc, mentions in zip(docs, all_mentions, strict=True):
        for m in mentions:
            m.doc_id = doc.id
        places = geoparse(doc, mentions=mentions)
        photo = photo_place(doc)  # where the camera says an image was taken (EXIF GPS), mapped as a "photo" place
        if photo is not None:
            places.append(photo)
        for p in places:
            p.doc_id = doc.id
        claims = extract_claims(doc, mentions=mentions)
        results.append(DocumentAnalysis(doc.id, mentions, places, claims))
    return results


def _store_analysis(case: Case, result: DocumentAnalysis) -> None:
    with case.transaction():
        case.replace_mentions(result.doc_id, result.mentions)
        case.replace_places(result.doc_id, result.places)
        case.replace_claims(result.doc_id, result.claims)
        case.mark_done(result.doc_id, ANALYSED)


def ingest(
    case: Case,
    sources: Sequence[str | os.PathLike[str]],
    *,
    quiet: bool | None = None,
    batch_size: int = 256,
    **load_options: Any,
) -> IngestReport:
    """Load sources into the case in batches; the same bytes twice never make a second document.

    A file or record that cannot be read, or a document the case refuses, is skipped and reported; the rest of its
    batch, file and folder is stored.
    """
    from .sources import iter_load

    report = IngestReport()
    skipped: list[Any] = []
    stream = iter_load(*sources, skipped=skipped, **load_options)
    for batch in _batched(_progress(stream, total=None, desc="ingest", quiet=_quiet(quiet)), batch_size):
        docs = [doc for doc, _raw in batch]
        raw = {doc.id: blob for doc, blob in batch}
        attached = {doc.id: stream.attachments.pop(doc.id) for doc in docs if doc.id in stream.attachments}
        part = _add_batch(case, docs, raw, skipped, attached)
        report.added += part.added
        report.duplicates += part.duplicates
        report.skipped += part.skipped
    report.skipped += [(str(s.where), s.reason) for s in skipped]
    if report.skipped:
        case.log("ingest-skipped", None, [list(s) for s in report.skipped], unless_repeated=True)
    return report


def _add_batch(
    case: Case,
    docs: list[Document],
    raw: dict[str, bytes],
    skipped: list[Any],
    attached: dict[str, list[Attachment]] | None = None,
) -> IngestReport:
    """Store a batch in one transaction; should the case refuse it, store its documents one by one.

    A batch is one transaction, so a single document the store cannot hold would otherwise cost the whole batch.
    When every document fails alone too, the fault is not one document's, and the first error is raised.
    """
    from .sources import Skipped

    refused = (OsintkitError, ValueError, RecursionError, sqlite3.InterfaceError)
    try:
        return case.add_documents(docs, raw=raw, attachments=attached)
    except CaseError:
        raise
    except refused as batch_error:
        first_error: BaseException = batch_error
    report = IngestReport()
    failures: list[Skipped] = []
    for doc in docs:
        try:
            part = case.add_documents([doc], raw={doc.id: raw[doc.id]} if doc.id in raw else None, attachments=attached)
        except CaseError:
            raise
        except refused as exc:
            where = doc.path or doc.url or doc.id
            failures.append(Skipped(where=where, reason=f"not stored: {exc}", error=exc, path=doc.path))
            continue
        report.added += part.added
        report.duplicates += part.duplicates
        report.skipped += part.skipped
    if failures and len(failures) == len(docs) and len(docs) > 1:
        raise first_error
    skipped.extend(failures)
    return report


def analyse_case(
    case: Case,
    *,
    batch_size: int = DEFAULT_BATCH,
    quiet: bool | None = None,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | str = 1,
) -> int:
    """Analyse every document not yet analysed; returns how many were analysed in this call.

    ``workers`` > 1 analyses batches in that many local processes (each with its share of the CPU threads) while
    this process stores the results; ``"auto"`` picks a number with :func:`auto_workers`. A Dask ``client`` or
    ``scheduler`` takes the work to a cluster instead.

    Batches are claimed in the case before they are analysed, so two processes given the same case share the
    documents instead of both analysing each. The run is recorded in the case (``Case.runs``): the kit's version,
    the model and rule hashes, the parameters and the documents it covered, also when it is interrupted.
    """
    from .provenance import analysis_fingerprint
    from .store import utcnow

    taken: list[str] = []
    started = utcnow()
    finished = False
    try:
        count = _analyse_case(
            case, batch_size=batch_size, quiet=_quiet(quiet), client=client, scheduler=scheduler, workers=workers,
            taken=taken,
        )  # fmt: skip
        finished = True
        return count
    finally:
        if taken:
            parameters = {"batch_size": batch_size, "workers": workers, "scheduler": scheduler is not None or
                          client is not None}  # fmt: skip
            case.record_run(
                "analysis",
                {**analysis_fingerprint(), "parameters": parameters, "documents": taken, "started": started,
                 "finished": utcnow() if finished else None},
            )  # fmt: skip


def _claimed_batches(case: Case, pending: list[str], size: int, taken: list[str] | None) -> Iterator[list[str]]:
    """Batches of ``pending`` that this process has claimed in the case; ids another process holds are left."""
    queue = list(pending)
    while queue:
        ids, unavailable = case.claim_work(ANALYSED, queue, size)
        if not ids:
            return
        if taken is not None:
            taken += ids
        gone = set(ids) | unavailable
        queue = [i for i in queue if i not in gone]
        yield ids


def _analyse_case(
    case: Case,
    *,
    batch_size: int,
    quiet: bool,
    client: Any,
    scheduler: str | None,
    workers: int | str,
    taken: list[str],
) -> int:
    if workers != "auto" and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise OsintkitError(f"workers must be a positive integer or 'auto', not {workers!r}")
    done = case.done(ANALYSED)
    pending = [doc_id for doc_id in case.document_ids() if doc_id not in done]
    if not pending:
        return 0
    processes = auto_workers(len(pending), batch_size) if workers == "auto" else int(workers)
    if scheduler is not None and client is None:
        from distributed import Client

        client = Client(scheduler)
        try:
            return _analyse_on_dask(case, pending, client, batch_size=batch_size, quiet=quiet, taken=taken)
        finally:
            client.close()
    if client is not None:
        return _analyse_on_dask(case, pending, client, batch_size=batch_size, quiet=quiet, taken=taken)
    if processes > 1:
        return _analyse_in_processes(case, pending, processes, batch_size=batch_size, quiet=quiet, taken=taken)
    count = 0
    from tqdm.auto import tqdm

    _load_entity_model(quiet)
    with tqdm(total=len(pending), desc="analyse", disable=quiet, unit="doc", leave=False) as bar:
        for ids in _claimed_batches(case, pending, batch_size, taken):
            docs = [case.get_document(i) for i in ids]
            for result in analyse_documents(docs):
                _store_analysis(case, result)
                count += 1
            bar.update(len(ids))
    return count


def _analyse_on_dask(
    case: Case, pending: list[str], client: Any, *, batch_size: int, quiet: bool, taken: list[str] | None = None
) -> int:
    from distributed import as_completed
    from tqdm.auto import tqdm

    # Workers may run on other hosts without the case file, so documents travel with the task; the driver stays the
    # only writer, which keeps the custody chain linear.
    futures = []
    for ids in _claimed_batches(case, pending, batch_size, taken):
        docs = [case.get_document(i) for i in ids]
        futures.append(client.submit(analyse_documents, docs, pure=False))
    count = 0
    with tqdm(total=len(pending), desc="analyse (dask)", disable=quiet, unit="doc", leave=False) as bar:
        for future in as_completed(futures):
            results = future.result()
            for result in results:
                _store_analysis(case, result)
                count += 1
            bar.update(len(results))
    return count


AUTO_MAX_WORKERS = 4
AUTO_MIN_DOCUMENTS = 100


def auto_workers(pending: int, batch_size: int = DEFAULT_BATCH) -> int:
    """One process per CPU core (at most AUTO_MAX_WORKERS), or one process for small runs.

    Why: on 2 cores two one-thread processes analyse about a third faster than one process with two threads
    (the model's small matrix products scale poorly across threads, and the Python stages then overlap), but
    starting workers costs seconds, which a run of a few batches never wins back.
    """
    cores = min(os.cpu_count() or 1, AUTO_MAX_WORKERS)
    return cores if cores > 1 and pending >= max(AUTO_MIN_DOCUMENTS, 4 * batch_size) else 1


def _warm_up() -> None:
    """Load the model and the gazetteer in this process, so forked workers share them."""
    analyse_documents(
        [Document(id="warm-up", text="John Kirby said on Saturday that 2 soldiers were in Kyiv.", sha256="",
                  loader="warm-up", retrieved="")]
    )  # fmt: skip


def _init_worker(threads: int, parent: int) -> None:
    import threading

    import torch

    torch.set_num_threads(threads)
    # A worker waits on its task queue forever if the run is killed (SIGKILL gives the pool no chance to stop it);
    # leave with the parent instead of lingering with a model in memory.
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _analyse_in_processes(
    case: Case, pending: list[str], workers: int, *, batch_size: int, quiet: bool, taken: list[str] | None = None
) -> int:
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    from tqdm.auto import tqdm

    # Forked workers inherit the loaded model and gazetteer (shared copy-on-write) and start at once; spawned ones
    # each import torch and transformers and load the model, about 7 s apiece. Fork only on Linux and only when each
    # worker runs torch on one thread: a forked child that opens an OpenMP pool after its parent used one hangs
    # (libgomp is not fork-safe; seen here with two threads per child). At most two batches per worker are in
    # flight, so memory stays flat however long the corpus; results are stored in submission order, so the custody
    # log reads the same as a one-process run's.
    threads = max(1, (os.cpu_count() or workers) // workers)
    fork = sys.platform == "linux" and threads == 1
    if fork:
        _load_entity_model(quiet)
        _warm_up()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    count = 0
    inflight: deque[Future[list[DocumentAnalysis]]] = deque()
    parent = os.getpid()
    with (
        ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(threads, parent)) as pool,
        tqdm(total=len(pending), desc=f"analyse ({workers} processes)", disable=quiet, unit="doc", leave=False) as bar,
    ):

        def drain(until: int) -> None:
            nonlocal count
            while len(inflight) > until:
                results = inflight.popleft().result()
                for result in results:
                    _store_analysis(case, result)
                count += len(results)
                bar.update(len(results))

        for ids in _claimed_batches(case, pending, batch_size, taken):
            inflight.append(pool.submit(analyse_documents, [case.get_document(i) for i in ids]))
            drain(2 * workers)
        drain(0)
    return count


def finish_case(case: Case, *, client: Any = None) -> Corroboration:
    """Case-wide stages: link entities, corroborate claims, suggest ratings. Returns the corroboration.

    With a Dask ``client``, the claims' sentence embeddings (the costly part of corroboration) are computed on its
    workers; the grouping itself runs here, on vectors.
    """
    from .assess import suggest_ratings
    from .claims import corroborate
    from .entities.normalise import normalise_case

    normalise_case(case)
    corroboration = corroborate(case.claims(), case.documents(), entities=case.entities(), client=client)
    suggest_ratings(case, corroboration=corroboration)
    return corroboration


def run(
    sources: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str] | None = None,
    *,
    case: str | os.PathLike[str] | Case | None = None,
    quiet: bool | None = None,
    batch_size: int = DEFAULT_BATCH,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | str = 1,
    formats: Sequence[str] | None = None,
    **load_options: Any,
) -> RunResult:
    """Run every stage on ``sources`` and write the findings to ``out``. Re-running on the same case resumes.

    ``quiet=None`` (the default) shows progress bars in a notebook and none elsewhere.
    """
    if out is None and case is None:
        raise OsintkitError("run() needs an output folder or a case")
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    own_case = not isinstance(case, Case)
    if isinstance(case, Case):
        the_case = case
    else:
        assert out_dir is not None or case is not None
        the_case = Case(case if case is not None else out_dir / "case.sqlite")  # type: ignore[operator]
    try:
        report = ingest(the_case, sources, quiet=quiet, **load_options)
        analysed = analyse_case(
            the_case, batch_size=batch_size, quiet=quiet, client=client, scheduler=scheduler, workers=workers
        )
        corroboration = finish_case(the_case, client=client)
        outputs: dict[str, Path] = {}
        if out_dir is not None:
            from .export import write_all
            from .findings import Findings

            findings = Findings.from_case(the_case, corroboration=corroboration)
            outputs = write_all(findings, out_dir, formats=formats)
            if note := findings.coverage_note():
                # Once for the whole run; the per-batch warnings of the tagger are silenced in analyse_documents.
                warnings.warn(note, LanguageWarning, stacklevel=2)
        return RunResult(the_case.path, out_dir, report, analysed, outputs, corroboration)
    finally:
        if own_case:
            the_case.close()
