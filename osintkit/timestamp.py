"""Trusted timestamps (RFC 3161) of a case's custody head, opt-in like every network use.

A time-stamping authority (TSA) signs the SHA-256 of the custody head (its 64 hex characters, as ASCII) with the
time it saw it, which proves the log had reached that head no later than then: entries cannot later be inserted
before it without breaking the chain, and the signature is checkable by anyone who trusts the TSA's root. The token
is stored in the case as a ``timestamp`` run (under the chain itself) and can be checked offline with
:func:`verify_timestamp`. Requests and tokens are built and checked by ``rfc3161-client`` (Trail of Bits).
"""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .errors import CaseError, FetchError, InputError, NetworkDisabledError
from .store import Case

__all__ = [
    "MAX_RESPONSE_BYTES", "check_timestamps", "request_timestamp", "timestamp_case", "timestamps",
    "verify_timestamp",
]  # fmt: skip

MAX_RESPONSE_BYTES = 1 << 20


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        # A TSA answers at the address it was asked at; following a redirect would send the query elsewhere.
        raise urllib.error.HTTPError(newurl, code, f"redirect to {newurl} refused", headers, fp)


def _post(url: str, body: bytes, timeout: float) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    try:
        with opener.open(request, timeout=timeout) as response:
            # The socket timeout bounds each read, not the whole answer: a server trickling bytes is cut off here.
            while chunk := response.read(65536):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise FetchError(f"{url}: the time-stamping authority's answer is over {MAX_RESPONSE_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: no complete answer within {timeout:g} s")
                chunks.append(chunk)
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"{url}: the time-stamping authority could not be reached: {exc}") from exc
    return b"".join(chunks)


def request_timestamp(head: str, tsa_url: str, *, allow_network: bool = False, timeout: float = 30.0) -> bytes:
    """Ask the TSA at ``tsa_url`` to timestamp ``head``; returns the DER-encoded TimeStampResp, checked to answer
    this request (status granted, same imprint, same nonce). Its signature is checked by :func:`verify_timestamp`."""
    if not allow_network:
        raise NetworkDisabledError(
            f"a trusted timestamp asks {tsa_url} over the network; pass allow_network=True (--allow-network)"
        )
    scheme = urlsplit(tsa_url).scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError(f"a time-stamping authority is reached over http(s), not {scheme or 'no scheme'!r}",
                         field="tsa_url")  # fmt: skip
    import rfc3161_client

    # A fresh nonce (the builder draws it) ties the answer to this request; a replayed token would not match.
    query = rfc3161_client.TimestampRequestBuilder().data(head.encode("ascii")).nonce(nonce=True)
    built = query.cert_request(cert_request=True).build()
    nonce = built.nonce
    answer = _post(tsa_url, built.as_bytes(), timeout)
    try:
        response = rfc3161_client.decode_timestamp_response(answer)
    except Exception as exc:  # the decoder's errors are not one type; any of them means a malformed answer
        raise FetchError(f"{tsa_url}: the answer is not an RFC 3161 timestamp response: {exc}") from exc
    if response.status != rfc3161_client.PKIStatus.GRANTED:
        raise FetchError(f"{tsa_url}: the time-stamping authority refused (status {response.status})")
    if response.tst_info.nonce != nonce or response.tst_info.message_imprint.message != built.message_imprint.message:
        raise FetchError(f"{tsa_url}: the timestamp answers another request (nonce or imprint differs)")
    return bytes(answer)


def timestamp_case(case: Case, tsa_url: str, *, allow_network: bool = False, timeout: float = 30.0) -> dict[str, Any]:
    """Timestamp the case's current custody head and store the token in the case; returns what was stored."""
    head = case.head()
    if head is None:
        raise CaseError(f"{case.path}: the custody log is empty; nothing to timestamp")
    seq = len(case.custody())
    token = request_timestamp(head, tsa_url, allow_network=allow_network, timeout=timeout)
    import rfc3161_client

    gen_time = rfc3161_client.decode_timestamp_response(token).tst_info.gen_time
    record = {"head": head, "seq": seq, "tsa": tsa_url, "gen_time": gen_time.isoformat(),
              "token": base64.b64encode(token).decode("ascii")}  # fmt: skip
    case.record_run("timestamp", record)
    return record


def timestamps(case: Case) -> list[dict[str, Any]]:
    """The trusted timestamps stored in the case, oldest first."""
    return [run["data"] for run in case.runs() if run["kind"] == "timestamp"]


def verify_timestamp(token: bytes | str, head: str, roots: Sequence[Any]) -> datetime:
    """Check a token (DER, or base64 as stored) against ``head`` and the TSA roots you trust (certificates, as
    ``cryptography`` objects or PEM bytes); returns the attested time. Offline."""
    import rfc3161_client
    from cryptography import x509

    raw = base64.b64decode(token) if isinstance(token, str) else token
    certs = [c if isinstance(c, x509.Certificate) else x509.load_pem_x509_certificate(c) for c in roots]
    try:
        response = rfc3161_client.decode_timestamp_response(raw)
        rfc3161_client.VerifierBuilder(roots=certs).build().verify_message(response, head.encode("ascii"))
    except Exception as exc:  # VerificationError, or a decoding error of any type for a damaged token
        raise CaseError(f"the timestamp of custody head {head} does not verify: {exc}") from exc
    return response.tst_info.gen_time


def check_timestamps(case: Case, roots: Sequence[Any]) -> tuple[int, list[str]]:
    """Check every timestamp stored in ``case``: its token against the roots, and its head against this log.

    Returns how many were checked and the problems found (a head the log no longer reaches at its entry means the
    log was rewritten up to that entry after the authority saw it).
    """
    heads = {e.seq: e.entry_hash for e in case.custody()}
    problems = []
    stored = timestamps(case)
    for record in stored:
        head, seq = record.get("head"), record.get("seq")
        try:
            when = verify_timestamp(str(record.get("token")), str(head), roots)
        except CaseError as exc:
            problems.append(f"timestamp of entry {seq} by {record.get('tsa')}: {exc}")
            continue
        if not isinstance(seq, int) or heads.get(seq) != head:
            problems.append(
                f"timestamp of entry {seq} ({when.isoformat()}, {record.get('tsa')}): the log's entry {seq} is not "
                f"the head the authority signed ({head}): the log was rewritten"
            )
    return len(stored), problems
