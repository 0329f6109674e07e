"""A property-based fuzzer for visit files: every input ends in a Visit or one clear VisitFileError,
never another exception, a traceback on the command line, or a hang."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_aid.domain.errors import VisitFileError
from ldn_aid.domain.visit import Visit
from ldn_aid.paths import resource_path
from ldn_aid.visit_file import MAX_VISIT_BYTES, parse_visit

VALID = resource_path("examples/ldn_option.json").read_bytes()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=200),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=30), children, max_size=6)
    ),
    max_leaves=40,
)

VISIT_PATHS = [
    ("patient", "age_years"),
    ("patient", "weight_kg"),
    ("patient", "display_name"),
    ("ldn_screen", "planned_surgery"),
    ("ldn_screen", "pregnancy"),
    ("plan", "target_mg"),
    ("plan", "step_weeks"),
    ("diagnosis", "baseline"),
    ("preferences", "priorities"),
    ("follow_ups",),
    ("visit_date",),
    ("format",),
]


def _outcome(raw: bytes) -> Visit | str:
    try:
        return parse_visit(raw, source="fuzz.json")
    except VisitFileError as exc:
        message = str(exc)
        assert message.startswith("fuzz.json")
        assert len(message) < 2_000
        return message


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000))
def test_random_bytes(raw: bytes) -> None:
    _outcome(raw)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_random_json_documents(value: object) -> None:
    _outcome(json.dumps(value).encode())


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(VISIT_PATHS), json_values)
def test_a_valid_visit_with_one_field_replaced_by_anything(path: tuple[str, ...], value: object) -> None:
    data = json.loads(VALID)
    node = data
    for part in path[:-1]:
        node = (
            node.setdefault(part, {}) if isinstance(node.get(part), dict) or part not in node else node[part]
        )
    node[path[-1]] = value
    result = _outcome(json.dumps(data).encode())
    if isinstance(result, str):
        # The error names the field that was changed (or the file as a whole).
        assert path[0] in result or "fuzz.json is not" in result


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(VALID)))
def test_truncated_files(cut: int) -> None:
    result = _outcome(VALID[:cut])
    if cut < len(VALID.rstrip()):
        assert isinstance(result, str)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xef\xbb\xbf" + VALID, None),  # a byte-order mark is accepted
        (VALID.replace(b'"Alex Example"', b'"Al\xe9x"'), "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (
            b'{"format": "ldn-aid.visit/1", "visit_date": "2026-01-01", "patient": {"age_years": 1'
            + b"1" * 5000
            + b"}}",
            "not a valid visit",
        ),
        (
            b'{"format": "ldn-aid.visit/1", "visit_date": "2026-01-01", "visit_date": "2026-01-02"}',
            "appears twice",
        ),
        (b" " * (MAX_VISIT_BYTES + 1), "too large"),
        (
            json.dumps(
                {
                    "format": "ldn-aid.visit/1",
                    "visit_date": "2026-01-01",
                    "patient": {"display_name": "x" * 20_000},
                }
            ).encode(),
            "patient.display_name",
        ),
        (
            b'{"format": "ldn-aid.visit/1", "visit_date": "2026-01-01", "patient": {"weight_kg": 1e400}}',
            "patient.weight_kg",
        ),
        (b"\x00\x01\x02", "not valid JSON"),
        (b"", "not valid JSON"),
    ],
)
def test_named_hostile_cases(raw: bytes, expected: str | None) -> None:
    result = _outcome(raw)
    if expected is None:
        assert isinstance(result, Visit)
    else:
        assert isinstance(result, str)
        assert expected in result


def test_command_line_never_shows_a_traceback(tmp_path: Path) -> None:
    cases = {
        "deep.json": b"[" * 50_000,
        "binary.json": bytes(range(256)),
        "huge_int.json": b'{"visit_date": ' + b"9" * 10_000 + b"}",
        "wrong_types.json": b'{"format": "ldn-aid.visit/1", "visit_date": 5, "patient": []}',
    }
    for name, raw in cases.items():
        path = tmp_path / name
        path.write_bytes(raw)
        result = subprocess.run(
            [sys.executable, "-m", "ldn_aid", "assess", str(path)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 2, (name, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1, (name, result.stderr)
