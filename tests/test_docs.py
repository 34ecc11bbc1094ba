"""The docs an operator reads are kept true by these tests (after Datasette's tests/test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

from server.cli import main
from server.config import Settings, declared
from server.settings_doc import markdown

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*ROOT.glob("server/**/*.py"), *ROOT.glob("realtime/**/*.py"), *ROOT.glob("search/**/*.py")]
ENV_NAME = re.compile(r"""["'](CITYBRIDGE_[A-Z0-9_]+|DATABASE_URL|MEILISEARCH_[A-Z0-9_]+)["']""")


def operator_docs() -> str:
    return "\n".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def test_settings_page_is_generated_from_the_declarations():
    assert (ROOT / "docs" / "settings.md").read_text() == markdown(), (
        "docs/settings.md is out of date: run `citybridge settings --markdown > docs/settings.md`"
    )


def test_readme_points_at_the_settings_page():
    assert "docs/settings.md" in (ROOT / "README.md").read_text()


def test_every_variable_the_code_reads_is_documented():
    documented = (ROOT / "docs" / "settings.md").read_text()
    missing = {
        f"{name} (in {path.relative_to(ROOT)})"
        for path in SOURCES
        for name in ENV_NAME.findall(path.read_text())
        if f"`{name}`" not in documented
    }
    assert not missing, f"not in docs/settings.md: {sorted(missing)}"


def test_every_declared_setting_has_a_meaning():
    from realtime.config import RealtimeSettings

    for f in [*declared(Settings), *declared(RealtimeSettings)]:
        assert f.metadata["help"].strip(), f.metadata["env"]


def test_every_command_is_documented():
    docs = operator_docs()
    missing = [name for name in sorted(main.commands) if f"citybridge {name}" not in docs]
    assert not missing, f"commands not described in README.md or docs/: {missing}"
