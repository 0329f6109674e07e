"""No network, ever; and no patient data anywhere the clinician did not save it.

The whole flow (content, assessment, handout, follow-up sheet, chart note, FHIR export, every wizard
page) runs with socket creation made to fail. A sentinel patient name goes through everything and must
appear in no log, no settings file, no temporary file left behind and no PDF metadata.
"""

from __future__ import annotations

import io
import os
import socket
import tempfile
from pathlib import Path

import pdfplumber
import pytest
from pytestqt.qtbot import QtBot

from ldn_aid.app import main
from ldn_aid.logs import setup_logging
from ldn_aid.paths import resource_path
from ldn_aid.visit_file import load_visit, save_visit

SENTINEL = "Zyxwvut Sentinelname"


class NetworkUsedError(AssertionError):
    pass


class _RefusedSocket(socket.socket):
    """A socket class that cannot be made: a subclass, so modules that subclass sockets still import."""

    def __init__(self, *_: object, **__: object) -> None:
        raise NetworkUsedError("a socket was created")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise NetworkUsedError("a network lookup or connection was attempted")

    monkeypatch.setattr(socket, "socket", _RefusedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def sentinel_visit(tmp_path: Path) -> Path:
    visit = load_visit(resource_path("examples/followup_advance.json"))
    visit = visit.model_copy(update={"patient": visit.patient.model_copy(update={"display_name": SENTINEL})})
    path = tmp_path / "visit.json"
    save_visit(visit, path)
    return path


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp folder of our own, so anything left behind can be found."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _run_everything(visit_path: Path, out: Path) -> None:
    for args in (
        ["assess", str(visit_path)],
        ["assess", str(visit_path), "--json"],
        ["review", str(visit_path), "--json"],
        ["handout", str(visit_path), "-o", str(out / "handout.pdf")],
        [
            "handout",
            str(visit_path),
            "-o",
            str(out / "handout-es-large.pdf"),
            "--lang",
            "es",
            "--large-print",
        ],
        ["followup-sheet", str(visit_path), "-o", str(out / "sheet.pdf")],
        ["note", str(visit_path), "-o", str(out / "note.txt")],
        ["fhir", str(visit_path), "-o", str(out / "bundle.json")],
        ["fhir", "questionnaire", "-o", str(out / "questionnaire.json")],
        ["--self-test"],
    ):
        assert main(args) == 0, args


def test_whole_flow_without_network(
    no_network: None, sentinel_visit: Path, tmp_path: Path, qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _run_everything(sentinel_visit, out)
    capsys.readouterr()
    # The wizard too: every page of a visit with a follow-up.
    import ldn_aid.ui  # noqa: F401 - before any Qt object
    from ldn_aid.content import load_content
    from ldn_aid.ui.main_window import MainWindow
    from ldn_aid.ui.pages.ids import PageId

    window = MainWindow(load_content("en"))
    qtbot.addWidget(window)
    window.show()
    assert window.open_visit(sentinel_visit)
    for page_id in PageId:
        window.wizard.go_to(page_id)
    assert window.wizard.currentId() == PageId.FOLLOW_UP
    assert window.wizard.handout_page.pdf_bytes.startswith(b"%PDF")
    assert window.chart_note() is not None
    window.state.mark_saved()


def test_patient_data_only_where_the_clinician_saved_it(
    sentinel_visit: Path, tmp_path: Path, private_temp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = setup_logging()
    assert log_file is not None
    out = tmp_path / "out"
    out.mkdir()
    _run_everything(sentinel_visit, out)
    capsys.readouterr()
    # An unexpected error carrying the name in its message is logged without it.
    from ldn_aid.ui.errors import crash_details

    try:
        raise ValueError(f"could not handle {SENTINEL}")
    except ValueError as exc:
        import logging

        logging.getLogger("ldn_aid").error(
            "unexpected error\n%s", crash_details(type(exc), exc, exc.__traceback__)
        )
    for handler in logging.getLogger("ldn_aid").handlers:
        handler.flush()

    config = Path(os.environ["LDN_AID_CONFIG_DIR"])
    logs = Path(os.environ["LDN_AID_LOG_DIR"])
    for folder in (config, logs, private_temp):
        for path in folder.rglob("*"):
            if path.is_file():
                assert SENTINEL.encode() not in path.read_bytes(), path
    assert log_file.read_text("utf-8").count("unexpected error") == 1
    assert list(private_temp.iterdir()) == []  # nothing left behind
    # The PDFs print the name on the page but never in their metadata.
    for pdf_path in out.glob("*.pdf"):
        with pdfplumber.open(io.BytesIO(pdf_path.read_bytes())) as pdf:
            assert SENTINEL not in " ".join(str(v) for v in pdf.metadata.values())
            assert SENTINEL.split()[0] in (pdf.pages[0].extract_text() or "")
        assert b"Zyxwvut" not in pdf_path.read_bytes().split(b"/Info")[-1][:400]
    # The FHIR export leaves the name out entirely; the chart note is the clinician's record.
    assert SENTINEL not in (out / "bundle.json").read_text("utf-8")
    # Saved files that hold patient data are readable by their owner only.
    for name in ("note.txt", "bundle.json"):
        assert oct((out / name).stat().st_mode & 0o777) == oct(0o600)
    assert oct(sentinel_visit.stat().st_mode & 0o777) == oct(0o600)


def test_no_module_in_the_app_imports_a_network_client() -> None:
    """A static guard beside the runtime one: none of our code imports networking modules. (urllib.parse
    is allowed: it splits a reference's address into parts as text, and opens nothing.)"""
    root = Path(__file__).resolve().parents[2] / "ldn_aid"
    banned = (
        "import socket",
        "import urllib\n",
        "import urllib.request",
        "from urllib.request",
        "from urllib import",
        "import http",
        "from http",
        "import requests",
        "QtNetwork",
        "import ssl",
    )
    for source in root.rglob("*.py"):
        text = source.read_text("utf-8")
        for word in banned:
            assert word not in text, (source, word)


def test_the_guard_really_refuses_sockets(no_network: None) -> None:
    with pytest.raises(NetworkUsedError):
        socket.socket()
    with pytest.raises(NetworkUsedError):
        socket.create_connection(("127.0.0.1", 9))
