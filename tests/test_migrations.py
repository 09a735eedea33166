"""Upgrading a database that already has closed rounds: nothing is lost, and each funded
proposal of a round closed before decisions existed becomes a decision. And the migrations
build exactly the schema the models describe (no drift)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.infra import db
from app.infra.db import Database, alembic_config, newest_revisions, upgrade
from app.infra.tables import metadata
from tests.databases import database_url
from tests.support import OLD_WORKSHOP_ROWS


def test_rounds_closed_before_decisions_get_their_decisions_on_upgrade(tmp_path: Path) -> None:
    url = database_url(tmp_path, "old", empty=True)
    command.upgrade(alembic_config(url), "0003")
    engine = sa.create_engine(url)
    now = "2026-03-01 10:00:00.000000"
    with engine.begin() as db:
        for sql in (
            *OLD_WORKSHOP_ROWS,
            "INSERT INTO round (id, workshop_id, title, method, params, budget_minor, phase,"
            " show_live, created_at) VALUES ('r', 'w', 'R', 'approval', '{}', 500000, 'closed',"
            " false, :now)",
            "INSERT INTO proposal (id, round_id, position, title, description, amount_minor,"
            " how_it_helps, category, created_at) VALUES ('p', 'r', 1, 'Kørekort', '', 120000,"
            " 'job', 'licence', :now)",
            "INSERT INTO result (round_id, method, budget_minor, funded, scores, reasons,"
            " spent_minor, leftover_minor, voters, computed_at) VALUES ('r', 'approval', 500000,"
            " '[\"p\"]', '{}', '{}', 120000, 380000, 1, :now)",
        ):
            db.execute(sa.text(sql), {"now": now})
    upgrade(url)
    with engine.connect() as db:
        rows = db.execute(
            sa.text("SELECT proposal_id, status, funded_minor, paid_minor FROM decision")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("p", "funded", 120000, 0)]


def drift(url: str, models: sa.MetaData) -> list[Any]:
    """What ``alembic revision --autogenerate`` would write to make the database at ``url``
    match ``models``: types and server defaults compared too."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, models))
    finally:
        engine.dispose()


def test_the_migrations_build_the_schema_the_models_describe(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    upgrade(url)  # a no-op on a database at the newest migration, which this one is
    assert drift(url, metadata) == []


def test_the_drift_check_sees_a_column_the_migrations_lack(tmp_path: Path) -> None:
    models = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(models)
    models.tables["ballot"].append_column(sa.Column("weight", sa.Integer(), nullable=True))
    assert [d[:3] for d in drift(database_url(tmp_path), models)] == [
        ("add_column", None, "ballot")
    ]


def _revisions(url: str) -> set[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {row[0] for row in connection.execute(sa.text("SELECT * FROM alembic_version"))}
    engine.dispose()
    return found


def test_an_app_start_upgrades_an_old_database_and_only_reads_one_at_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(old), "0003")
    database = Database(old)
    database.upgrade()  # what create_app does at start
    database.dispose()
    assert _revisions(old) == set(newest_revisions())

    def refuse(url: str) -> None:
        raise AssertionError("Alembic ran on a database at the newest migration")

    monkeypatch.setattr(db, "upgrade", refuse)
    current = Database(database_url(tmp_path))
    current.upgrade()
    current.dispose()
