"""The pabulib ``.pb`` reader and writer: real files, malformed files, and round trips."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deliberation.pabulib import (
    POINTS_VOTE_TYPES,
    VOTE_TYPES,
    Instance,
    PabulibError,
    Project,
    Vote,
    dump,
    read,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "pabulib"
FILES = sorted(FIXTURES.glob("*.pb"))
STATS = {entry["file"]: entry for entry in json.loads((FIXTURES / "stats.json").read_text())}
REFERENCE = json.loads((FIXTURES / "reference_outputs_pabutools_1.2.3.json").read_text())


def raw(path: Path) -> str:
    """The file's text with its line endings untouched (``read_text`` would translate them)."""
    return path.read_bytes().decode("utf-8")


def by_length_then_text(ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda pid: (len(pid), pid))


# The fifteen real files


def test_the_fixture_folder_holds_the_fifteen_files_stats_json_describes() -> None:
    assert len(FILES) == 15
    assert {path.name for path in FILES} == set(STATS) == set(REFERENCE)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_real_file_reads_with_the_counts_budget_and_vote_type_of_stats_json(
    path: Path,
) -> None:
    stats = STATS[path.name]
    instance = read(raw(path))
    assert len(instance.projects) == stats["n_projects"]
    assert len(instance.votes) == stats["n_voters"]
    assert instance.budget == int(stats["budget"])
    assert instance.vote_type == stats["vote_type"]
    assert sum(project.cost for project in instance.projects) == int(stats["total_cost"])
    assert [project.position for project in instance.projects] == list(
        range(len(instance.projects))
    )
    for key, value in stats["meta"].items():
        assert instance.meta[key] == value


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_real_file_survives_dump_and_read_unchanged(path: Path) -> None:
    instance = read(raw(path))
    assert read(dump(instance)) == instance


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_real_file_has_points_exactly_when_its_votes_are_cumulative(path: Path) -> None:
    instance = read(raw(path))
    with_points = {vote.points is not None for vote in instance.votes}
    assert with_points == {instance.vote_type in POINTS_VOTE_TYPES}


@pytest.mark.parametrize(
    "path", [p for p in FILES if "official_selected" in REFERENCE[p.name]], ids=lambda p: p.stem
)
def test_the_selected_column_names_the_official_winners_of_the_reference(path: Path) -> None:
    instance = read(raw(path))
    selected = [p.id for p in instance.projects if p.extra["selected"] == "1"]
    assert by_length_then_text(selected) == REFERENCE[path.name]["official_selected"]


def test_the_largest_file_reads_well_under_a_third_of_a_second() -> None:
    text = raw(FIXTURES / "Poland_Wieliczka_2023_Green_Budget.pb")
    fastest = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        instance = read(text)
        fastest = min(fastest, time.perf_counter() - started)
    assert len(instance.votes) == 6586
    assert fastest < 0.3


def test_a_real_file_keeps_names_extra_columns_and_votes_in_file_order() -> None:
    instance = read(raw(FIXTURES / "Poland_Czestochowa_2020_Grabowka.pb"))
    first = instance.projects[0]
    assert first == Project(
        id="196",
        cost=25000,
        name="Doświetlenie przejścia dla pieszych przy ul. Odrodzenia",
        position=0,
        extra={"votes": "72", "score": "435"},
    )
    assert instance.votes[0] == Vote(voter_id="35", projects=("196", "198"), points=(6, 4))
    assert instance.meta["max_sum_points"] == "10"


def test_a_file_without_a_name_column_gives_empty_names_and_is_written_without_one() -> None:
    path = FIXTURES / "US_Stanford_Dataset_2022_Jersey_City_Ward_B_vote_knapsacks.pb"
    instance = read(raw(path))
    assert {project.name for project in instance.projects} == {""}
    assert "\nPROJECTS\nproject_id;cost;votes\n" in dump(instance)


def test_quoted_fields_read_the_way_the_csv_module_and_pabutools_read_them() -> None:
    krakow = read(raw(FIXTURES / "Poland_Krakow_2018_Wzgorza_Krzeslawickie.pb"))
    assert krakow.projects[2].name == '"Trejaż w Kantorowicach"'
    wieliczka = read(raw(FIXTURES / "Poland_Wieliczka_2023_Green_Budget.pb"))
    assert any('Parku "Stok pod Baranem"' in project.name for project in wieliczka.projects)
    # A quote that closes before the field ends is dropped (csv's rule, also pabutools').
    grabowka = read(raw(FIXTURES / "Poland_Czestochowa_2020_Grabowka.pb"))
    names = [project.name for project in grabowka.projects]
    assert any(name.startswith("Odkupmy i my - zakup") for name in names)
    turk = read(raw(FIXTURES / "Worldwide_Mechanical_Turk_Knapsack_3.pb"))
    assert '"Participatory Budgeting Design for the Real World"' in turk.meta["acknowledgments"]


# Small hand-written files

SMALL = """META
key;value
budget;100
vote_type;cumulative
num_projects;2
num_votes;2
PROJECTS
project_id;cost;name
a;60;Bench
b;40;Lamp
VOTES
voter_id;vote;points
v1;a,b;3,2
v2;b;5
"""

SMALL_INSTANCE = Instance(
    meta={
        "budget": "100",
        "vote_type": "cumulative",
        "num_projects": "2",
        "num_votes": "2",
    },
    projects=(Project("a", 60, "Bench", 0), Project("b", 40, "Lamp", 1)),
    votes=(Vote("v1", ("a", "b"), (3, 2)), Vote("v2", ("b",), (5,))),
)


def test_a_small_file_reads_as_written() -> None:
    assert read(SMALL) == SMALL_INSTANCE


def test_a_bom_crlf_endings_blank_lines_and_lowercase_section_names_change_nothing() -> None:
    text = "\ufeff" + SMALL.replace("\n", "\r\n").replace("PROJECTS", "\r\n  projects  \r\n")
    assert read(text) == SMALL_INSTANCE
    mixed = "".join(
        line + ("\r\n" if number % 2 else "\n") for number, line in enumerate(SMALL.splitlines())
    )
    assert read(mixed) == SMALL_INSTANCE
    assert read(SMALL.replace("\n", "\r")) == SMALL_INSTANCE


def test_a_section_line_may_carry_empty_fields_as_spreadsheets_write_them() -> None:
    text = (
        SMALL.replace("META", "META;")
        .replace("PROJECTS", "Projects;;")
        .replace("VOTES", "VOTES; ;")
    )
    assert read(text) == SMALL_INSTANCE


def test_quoted_fields_may_hold_semicolons_quotes_and_line_breaks() -> None:
    text = SMALL.replace("a;60;Bench", 'a;60;"Bench; ""the big one""\nby the lake"')
    instance = read(text)
    assert instance.projects[0].name == 'Bench; "the big one"\nby the lake'
    assert read(dump(instance)) == instance


def test_a_budget_written_with_only_zeros_after_the_point_is_whole() -> None:
    assert read(SMALL.replace("budget;100", "budget;100.00")).budget == 100


def test_a_fractional_budget_on_a_hand_made_instance_is_refused_when_asked_for() -> None:
    instance = Instance(meta={"budget": "1000.50", "vote_type": "approval"}, projects=(), votes=())
    with pytest.raises(ValueError, match=r"not a whole number.*minor units"):
        _ = instance.budget
    with pytest.raises(ValueError, match="no vote_type"):
        _ = Instance(meta={}, projects=(), votes=()).vote_type


def test_an_empty_vote_reads_as_no_projects_and_no_points() -> None:
    instance = read(SMALL.replace("num_votes;2", "num_votes;3") + "v3;;\n")
    assert instance.votes[-1] == Vote("v3", (), ())
    assert read(dump(instance)) == instance


def test_dump_writes_meta_then_projects_then_votes_with_newline_endings() -> None:
    assert dump(SMALL_INSTANCE) == SMALL


# Malformed files: a ValueError that names the line


def broken(old: str, new: str) -> str:
    assert SMALL.count(old) == 1, old
    return SMALL.replace(old, new)


MALFORMED = [
    pytest.param(broken("a;60;Bench", "a;60.50;Bench"), 9, "minor units", id="fractional-cost"),
    pytest.param(broken("a;60;Bench", "a;sixty;Bench"), 9, "not a whole number", id="cost-word"),
    pytest.param(broken("a;60;Bench", "a;-60;Bench"), 9, "not a whole number", id="cost-below-0"),
    pytest.param(broken("budget;100", "budget;1000.50"), 3, "minor units", id="fractional-budget"),
    pytest.param(broken("budget;100\n", ""), 1, "META has no budget", id="no-budget"),
    pytest.param(broken("cumulative", "plurality"), 4, "vote_type 'plurality'", id="vote-type"),
    pytest.param(broken("b;40;Lamp", "a;40;Lamp"), 10, "'a' twice.*line 9", id="same-project"),
    pytest.param(broken("v2;b;5", "v1;b;5"), 14, "'v1' twice.*line 13", id="same-voter"),
    pytest.param(broken("v2;b;5", "v2;c;5"), 14, "'c', not in PROJECTS", id="unknown-project"),
    pytest.param(broken("v2;b;5", "v2;b,b;5,1"), 14, "'b' more than once", id="repeated-project"),
    pytest.param(broken("v2;b;5", "v2;b;5,1"), 14, "2 points for 1 projects", id="points-count"),
    pytest.param(broken("v2;b;5", "v2;b;five"), 14, "not whole numbers", id="points-word"),
    pytest.param(
        broken("voter_id;vote;points", "voter_id;vote;pts"), 12, "need a points column", id="nopts"
    ),
    pytest.param(broken("v2;b;5", "v2;b"), 14, "2 fields where the VOTES header", id="too-few"),
    pytest.param(broken("a;60;Bench", "a;60;Bench;x"), 9, "4 fields", id="too-many"),
    pytest.param(broken("META\n", "key;value\nMETA\n"), 1, "before the first section", id="data"),
    pytest.param(broken("PROJECTS", "PROJECTZ"), 7, "expected a section name", id="section"),
    pytest.param(SMALL + "META\nkey;value\n", 15, "second META section", id="two-meta"),
    pytest.param(SMALL.split("VOTES")[0], 11, "without a VOTES section", id="no-votes"),
    pytest.param(broken("project_id;cost;name", "project_id;price;name"), 8, "no cost", id="cost"),
    pytest.param(broken("project_id;cost;name", "project_id;cost;;name"), 8, "empty col", id="col"),
    pytest.param(broken("num_votes;2", "num_votes;3"), 6, "says 3, but there are 2", id="count"),
    pytest.param(broken("num_projects;2", "num_projects;two"), 5, "num_projects", id="count-word"),
    pytest.param(broken("key;value\n", ""), 2, "expected key;value", id="no-meta-header"),
    pytest.param(
        broken("project_id;cost;name\na;60;Bench\nb;40;Lamp\n", ""),
        8,
        "PROJECTS section \\(line 7\\) has no header",
        id="no-header",
    ),
    pytest.param(
        SMALL.removesuffix("v1;a,b;3,2\nv2;b;5\n").removesuffix("voter_id;vote;points\n"),
        12,
        "VOTES section \\(line 11\\) has no header",
        id="no-header-at-end",
    ),
    pytest.param(broken("a;60;Bench", 'a;60;"Bench'), 9, "over the VOTES line", id="open-quote"),
    pytest.param(broken("v2;b;5", 'v2;"b;5'), 14, "holds a line break", id="open-quote-last"),
    pytest.param(broken("v1;a,b;3,2", 'v1;"a,b;3,2'), 13, "runs from line 13", id="open-quote-mid"),
    pytest.param(broken("a;60;Bench", ";60;Bench"), 9, "an empty project id", id="empty-id"),
    pytest.param(broken("a;60;Bench", '"a,c";60;Bench'), 9, "holds a comma", id="comma-id"),
    pytest.param(broken("budget;100", "budget;100\nbudget;200"), 4, "line 3", id="same-key"),
    pytest.param(broken("key;value", "key;value;more"), 2, "expected key;value", id="meta-hd"),
    pytest.param("", 1, "without a META section", id="empty-text"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_a_malformed_file_raises_a_value_error_naming_the_line(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(ValueError, match=rf"^line {line}: .*{message}") as raised:
        read(text)
    assert isinstance(raised.value, PabulibError)
    assert raised.value.line == line


def test_line_numbers_count_crlf_once_and_line_breaks_inside_quoted_fields() -> None:
    text = broken("v2;b;5", "v2;c;5")
    with pytest.raises(ValueError, match=r"^line 14: "):
        read(text.replace("\n", "\r\n"))
    with pytest.raises(ValueError, match=r"^line 16: "):
        read(text.replace("a;60;Bench", 'a;60;"Bench\r\nby the\nlake"'))


# Instances dump refuses to write


def replace_project(instance: Instance, index: int, project: Project) -> Instance:
    projects = list(instance.projects)
    projects[index] = project
    return Instance(instance.meta, tuple(projects), instance.votes)


UNWRITABLE = [
    pytest.param(
        replace_project(SMALL_INSTANCE, 1, Project("b", 40, "Lamp", 1, {"x": "1"})),
        "extra columns",
        id="columns-differ",
    ),
    pytest.param(
        replace_project(SMALL_INSTANCE, 1, Project("b", 40, "Lamp", 5)), "position", id="position"
    ),
    pytest.param(
        replace_project(SMALL_INSTANCE, 1, Project("a", 40, "Lamp", 1)), "twice", id="same-id"
    ),
    pytest.param(
        replace_project(SMALL_INSTANCE, 0, Project("a", 60, "Bench", 0, {"cost": "1"})),
        "extra column 'cost'",
        id="reserved-column",
    ),
    pytest.param(
        replace_project(SMALL_INSTANCE, 0, Project("a", 60, "Bench", 0, {" x": "1"})),
        "surrounding spaces",
        id="spaced-column",
    ),
    pytest.param(
        replace_project(SMALL_INSTANCE, 0, Project("a", -1, "Bench", 0)), "below 0", id="cost"
    ),
    pytest.param(
        Instance(SMALL_INSTANCE.meta, SMALL_INSTANCE.projects, SMALL_INSTANCE.votes[:1]),
        "num_votes says 2, but there are 1",
        id="count",
    ),
    pytest.param(
        Instance(
            SMALL_INSTANCE.meta,
            SMALL_INSTANCE.projects,
            (SMALL_INSTANCE.votes[0], Vote("v2", ("b",), None)),
        ),
        "some votes have points",
        id="mixed-points",
    ),
    pytest.param(
        Instance(
            SMALL_INSTANCE.meta,
            SMALL_INSTANCE.projects,
            (SMALL_INSTANCE.votes[0], Vote("v2", ("z",), (1,))),
        ),
        "not in PROJECTS",
        id="unknown-project",
    ),
    pytest.param(
        Instance({**SMALL_INSTANCE.meta, "budget": "1.5"}, SMALL_INSTANCE.projects, ()),
        "minor units",
        id="budget",
    ),
    pytest.param(
        Instance({**SMALL_INSTANCE.meta, "Votes": " "}, SMALL_INSTANCE.projects, ()),
        "would read as a section line",
        id="meta-key-votes",
    ),
    pytest.param(
        Instance(
            {"budget": "1", "vote_type": "approval"}, (), (Vote("meta", (), None, {"x": ""}),)
        ),
        "would read as a section line",
        id="voter-meta",
    ),
]


@pytest.mark.parametrize(("instance", "message"), UNWRITABLE)
def test_dump_refuses_an_instance_read_would_not_give_back(
    instance: Instance, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        dump(instance)
    assert isinstance(raised.value, PabulibError)
    assert raised.value.line is None


# Properties

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=10)
PROJECT_IDS = st.text(st.characters(codec="utf-8", exclude_characters=","), min_size=1, max_size=5)
SECTION_NAMES = {"meta", "projects", "votes"}  # dump refuses rows that would read as these
VOTER_IDS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=5).filter(
    lambda voter_id: voter_id.strip().lower() not in SECTION_NAMES
)
KEYS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=8).filter(
    lambda key: key == key.strip() and key != "" and key.lower() not in SECTION_NAMES
)
META_RESERVED = {"budget", "vote_type", "num_projects", "num_votes"}


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    vote_type = draw(st.sampled_from(sorted(VOTE_TYPES)))
    ids = draw(st.lists(PROJECT_IDS, unique=True, max_size=5))
    with_names = draw(st.booleans())
    project_columns = draw(
        st.lists(
            KEYS.filter(lambda k: k not in {"project_id", "cost", "name"}), unique=True, max_size=3
        )
    )
    projects = tuple(
        Project(
            id=project_id,
            cost=draw(st.integers(0, 10**12)),
            name=draw(ANY_TEXT) if with_names else "",
            position=position,
            extra={column: draw(ANY_TEXT) for column in project_columns},
        )
        for position, project_id in enumerate(ids)
    )
    with_points = vote_type in POINTS_VOTE_TYPES or draw(st.booleans())
    vote_columns = draw(
        st.lists(
            KEYS.filter(lambda k: k not in {"voter_id", "vote", "points"}), unique=True, max_size=2
        )
    )
    votes = []
    for voter_id in draw(st.lists(VOTER_IDS, unique=True, max_size=6)):
        chosen = tuple(draw(st.lists(st.sampled_from(ids), unique=True))) if ids else ()
        points = tuple(draw(st.integers(-5, 10**6)) for _ in chosen) if with_points else None
        extra = {column: draw(ANY_TEXT) for column in vote_columns}
        votes.append(Vote(voter_id, chosen, points, extra))
    meta = {
        key: draw(ANY_TEXT)
        for key in draw(st.lists(KEYS.filter(lambda k: k not in META_RESERVED), max_size=3))
    }
    meta["budget"] = str(draw(st.integers(0, 10**12)))
    meta["vote_type"] = vote_type
    if draw(st.booleans()):
        meta["num_projects"] = str(len(projects))
        meta["num_votes"] = str(len(votes))
    return Instance(meta=meta, projects=projects, votes=tuple(votes))


@given(instances())
def test_any_small_instance_survives_dump_and_read(instance: Instance) -> None:
    text = dump(instance)
    assert read(text) == instance
    assert dump(read(text)) == text


FRAGMENTS = st.sampled_from(
    [
        "META",
        "PROJECTS",
        "VOTES",
        "key;value",
        "budget;10",
        "vote_type;approval",
        "vote_type;cumulative",
        "num_votes;1",
        "project_id;cost;name",
        "1;5;x",
        "2;5.5;y",
        "voter_id;vote;points",
        "v;1;3",
        "w;1,2;1,x",
        '"',
        '"a;b"',
        ";",
        "",
    ]
)


@given(
    st.lists(st.one_of(FRAGMENTS, ANY_TEXT), max_size=14),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_text_reads_or_raises_a_value_error_with_a_line_number(
    lines: list[str], ending: str
) -> None:
    text = ending.join(lines)
    try:
        instance = read(text)
    except PabulibError as error:
        # Either outcome is right for arbitrary text; which one depends on the text.
        assert error.line is not None  # noqa: PT017
        assert 1 <= error.line <= len(re.split(r"\r\n|\r|\n", text)) + 1  # noqa: PT017
    else:
        assert read(dump(instance)) == instance
