"""Trusted timestamps (RFC 3161) of the custody head, against a time-stamping authority the test runs on loopback.

The authority is real as far as the kit can tell: an HTTP server that parses the RFC 3161 query, and answers with a
CMS-signed TSTInfo from a test TSA certificate (critical timeStamping EKU) issued by a test root.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms, tsp
from asn1crypto import x509 as ax509
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from test_store_tamper import build_case

from osintkit import Case, CaseError, FetchError, InputError, NetworkDisabledError
from osintkit.cli import main
from osintkit.timestamp import request_timestamp, timestamp_case, timestamps, verify_timestamp


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _authority(cn: str) -> tuple[x509.Certificate, x509.Certificate, Any]:
    """A root, and a TSA certificate it issued with its key."""
    now = datetime.datetime.now(datetime.UTC)
    valid = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=30))
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder().subject_name(_name(f"{cn} root")).issuer_name(_name(f"{cn} root"))
        .public_key(root_key.public_key()).serial_number(1).not_valid_before(valid[0]).not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(2).not_valid_before(valid[0]).not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    return root, cert, key


def _answer(query: bytes, cert: x509.Certificate, key: Any) -> bytes:
    request = tsp.TimeStampReq.load(query)
    tst = tsp.TSTInfo({
        "version": "v1", "policy": "1.3.6.1.4.1.99999.1", "message_imprint": request["message_imprint"],
        "serial_number": 7, "gen_time": datetime.datetime.now(datetime.UTC).replace(microsecond=0),
        "nonce": request["nonce"],
    })  # fmt: skip
    der = cert.public_bytes(serialization.Encoding.DER)
    attrs = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(tst.dump()).digest()]}),
        cms.CMSAttribute({"type": "signing_certificate_v2",
                          "values": [{"certs": [{"cert_hash": hashlib.sha256(der).digest()}]}]}),
    ])  # fmt: skip
    signer_cert = ax509.Certificate.load(der)
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": signer_cert.issuer, "serial_number": signer_cert.serial_number})}),
        "digest_algorithm": {"algorithm": "sha256"}, "signed_attrs": attrs,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": key.sign(attrs.dump(), ec.ECDSA(hashes.SHA256())),
    })  # fmt: skip
    signed = cms.SignedData({
        "version": "v3", "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "tst_info", "content": tst},
        "certificates": [signer_cert], "signer_infos": [signer],
    })  # fmt: skip
    token = {"content_type": "signed_data", "content": signed}
    return bytes(tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump())


class _Authority:
    def __init__(self) -> None:
        self.root, self.cert, self.key = _authority("Loopback TSA")
        self.queries = 0
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                authority.queries += 1
                if self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.end_headers()
                    return
                query = self.rfile.read(int(self.headers["Content-Length"]))
                body = b"not a timestamp" if self.path == "/junk" else _answer(query, authority.cert, authority.key)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def authority() -> Iterator[_Authority]:
    tsa = _Authority()
    yield tsa
    tsa.close()


def test_the_custody_head_is_timestamped_stored_and_verified(authority: _Authority, tmp_path: Path) -> None:
    path = tmp_path / "case.sqlite"
    build_case(path)
    with Case(path) as case:
        head = case.head()
        record = timestamp_case(case, authority.url, allow_network=True)
        assert record["head"] == head and record["tsa"] == authority.url
        assert timestamps(case) == [record]
        assert case.custody()[-1].action == "run-timestamp"
        assert case.verify().ok
    when = verify_timestamp(record["token"], record["head"], [authority.root])
    assert abs((datetime.datetime.now(datetime.UTC) - when).total_seconds()) < 120
    pem = authority.root.public_bytes(serialization.Encoding.PEM)
    assert verify_timestamp(base64.b64decode(record["token"]), record["head"], [pem]) == when


def test_a_token_for_another_head_or_root_or_damaged_does_not_verify(authority: _Authority) -> None:
    head = "ab" * 32
    token = request_timestamp(head, authority.url, allow_network=True)
    assert verify_timestamp(token, head, [authority.root])
    with pytest.raises(CaseError, match="does not verify: Mismatch between messages"):
        verify_timestamp(token, "cd" * 32, [authority.root])
    other_root, _cert, _key = _authority("Other TSA")
    with pytest.raises(CaseError, match="does not verify"):
        verify_timestamp(token, head, [other_root])
    damaged = bytearray(token)
    damaged[len(damaged) // 2] ^= 0x01
    with pytest.raises(CaseError, match="does not verify"):
        verify_timestamp(bytes(damaged), head, [authority.root])


def test_no_request_without_allow_network_and_no_redirect(authority: _Authority, tmp_path: Path) -> None:
    before = authority.queries
    with pytest.raises(NetworkDisabledError, match="allow_network"):
        request_timestamp("ab" * 32, authority.url)
    assert authority.queries == before, "nothing was sent"
    with pytest.raises(InputError, match="http"):
        request_timestamp("ab" * 32, "ftp://127.0.0.1/tsa", allow_network=True)
    with pytest.raises(FetchError, match="redirect"):
        request_timestamp("ab" * 32, authority.url.replace("/tsa", "/moved"), allow_network=True)
    with pytest.raises(FetchError, match="not an RFC 3161"):
        request_timestamp("ab" * 32, authority.url.replace("/tsa", "/junk"), allow_network=True)


def test_the_cli_timestamps_a_case_only_when_allowed(authority: _Authority, tmp_path: Path) -> None:
    path = tmp_path / "case.sqlite"
    build_case(path)
    runner = CliRunner()
    refused = runner.invoke(main, ["timestamp", "--case", str(path), "--tsa", authority.url])
    assert refused.exit_code == 2 and "--allow-network" in refused.output
    done = runner.invoke(main, ["timestamp", "--case", str(path), "--tsa", authority.url, "--allow-network"])
    assert done.exit_code == 0, done.output
    with Case(path, readonly=True) as case:
        (record,) = timestamps(case)
    assert record["head"] in done.output


def test_verify_checks_stored_timestamps_against_a_trusted_root(authority: _Authority, tmp_path: Path) -> None:
    path = tmp_path / "case.sqlite"
    build_case(path)
    with Case(path) as case:
        timestamp_case(case, authority.url, allow_network=True)
        case.add_note("claim-1", "after the timestamp")
    root = tmp_path / "root.pem"
    root.write_bytes(authority.root.public_bytes(serialization.Encoding.PEM))
    other = tmp_path / "other.pem"
    other.write_bytes(_authority("Other TSA")[0].public_bytes(serialization.Encoding.PEM))
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", "--case", str(path), "--tsa-root", str(root)])
    assert ok.exit_code == 0, ok.output
    assert "1 trusted timestamps checked" in ok.output
    untrusted = runner.invoke(main, ["verify", "--case", str(path), "--tsa-root", str(other)])
    assert untrusted.exit_code == 1 and "does not verify" in untrusted.output
