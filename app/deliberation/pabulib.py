"""Reading and writing pabulib ``.pb`` files: real participatory-budgeting elections.

A ``.pb`` file (pabulib.org/format) has three sections, each a line holding just its name —
``META``, ``PROJECTS``, ``VOTES`` — then a header line naming the columns, then one
``;``-separated row per key, project or voter::

    META
    key;value
    budget;100000
    vote_type;approval
    PROJECTS
    project_id;cost;name
    1;40000;A new bench
    VOTES
    voter_id;vote
    v1;1,2

How this reader reads it:

- Fields follow the ``csv`` module's dialect with ``;`` as delimiter, as pabutools and the
  pabulib checker do: a field that *starts* with ``"`` is quoted (``""`` inside stands for
  one ``"``) and may hold ``;`` and line breaks. A quote that closes before the field ends is
  dropped the same way: ``"Odkupmy" i my`` reads as ``Odkupmy i my``.
- A UTF-8 byte-order mark, ``\\r\\n``/``\\n``/``\\r`` line endings (even mixed) and blank lines
  are accepted. Section names are case-insensitive (and may be followed by empty fields,
  ``VOTES;;``, as spreadsheets write them); column names and META keys are stripped
  of surrounding spaces; every other value is kept exactly as written.
- Money is whole numbers (``int``). All fifteen reference files (tests/fixtures/pabulib) have
  whole costs and budgets, and so does Puljen, which counts in øre; a cost or budget with a
  fraction (``1000.50``) is refused — convert the file to minor units first. A decimal
  point followed only by zeros (``1000.00``) is read as the whole number.
- The file must be consistent: unique project and voter ids, ids without ``,``, votes that
  name only known projects and none twice, ``points`` as many as projects voted for (and
  present for ``cumulative`` and ``scoring`` votes), ``vote_type`` one of
  :data:`VOTE_TYPES`, ``num_projects``/``num_votes`` (when given) equal to the counts.

Every problem :func:`read` finds raises :class:`PabulibError` (a ``ValueError``) whose
message starts with the line number (also in its ``line`` attribute). :func:`dump` writes an
instance back (``\\n`` line endings, columns ``project_id;cost[;name];…`` and
``voter_id;vote[;points];…``) and raises instead of writing anything :func:`read` would not
give back as the very same instance.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["VOTE_TYPES", "Instance", "PabulibError", "Project", "Vote", "dump", "read"]

VOTE_TYPES = frozenset({"approval", "cumulative", "ordinal", "scoring"})
# Vote types whose ballots give each project a number of points.
POINTS_VOTE_TYPES = frozenset({"cumulative", "scoring"})

_SECTIONS = ("meta", "projects", "votes")
_PROJECT_COLUMNS = ("project_id", "cost", "name")
_VOTE_COLUMNS = ("voter_id", "vote", "points")
_QUOTE_NEEDED = frozenset(';"\r\n')


class PabulibError(ValueError):
    """A ``.pb`` text that cannot be read, or an instance that cannot be written as one.

    ``line`` is the 1-based line of the text where the problem is (``None`` from :func:`dump`).
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(message if line is None else f"line {line}: {message}")


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    cost: int
    name: str = ""
    position: int = 0  # 0-based place in the file
    extra: dict[str, str] = field(default_factory=dict)  # every other column, as written


@dataclass(frozen=True, slots=True)
class Vote:
    voter_id: str
    projects: tuple[str, ...]  # the ``vote`` column: project ids, in the order written
    points: tuple[int, ...] | None = None  # the ``points`` column, if the file has one
    extra: dict[str, str] = field(default_factory=dict)  # every other column, as written


@dataclass(frozen=True, slots=True)
class Instance:
    meta: dict[str, str]
    projects: tuple[Project, ...]
    votes: tuple[Vote, ...]

    @property
    def budget(self) -> int:
        """``meta["budget"]`` as a whole number; ``PabulibError`` if missing or fractional."""
        if "budget" not in self.meta:
            raise PabulibError("META has no budget")
        return _money(self.meta["budget"], "budget")

    @property
    def vote_type(self) -> str:
        """``meta["vote_type"]``: approval, cumulative, ordinal or scoring."""
        if "vote_type" not in self.meta:
            raise PabulibError("META has no vote_type")
        return self.meta["vote_type"]


# Reading


@dataclass(slots=True)
class _Section:
    name: str
    line: int  # where its name stands
    header: list[str] | None = None
    header_line: int = 0
    rows: list[tuple[int, int, list[str]]] = field(default_factory=list)  # (first, last, row)


def read(text: str) -> Instance:
    """The instance a ``.pb`` text describes; ``PabulibError`` naming the line if malformed."""
    if text.startswith("\ufeff"):
        text = text[1:]
    sections = _split_sections(text)
    meta_section = sections["meta"]
    meta, meta_lines = _read_meta(meta_section)
    projects = _read_projects(sections["projects"])
    votes = _read_votes(sections["votes"], {project.id for project in projects})
    _check_meta(meta, meta_lines, meta_section.line, projects, votes)
    votes_section = sections["votes"]
    assert votes_section.header is not None
    if meta["vote_type"] in POINTS_VOTE_TYPES and "points" not in votes_section.header:
        raise PabulibError(
            f"{meta['vote_type']} votes need a points column in VOTES",
            votes_section.header_line,
        )
    return Instance(meta=meta, projects=tuple(projects), votes=tuple(votes))


def _section_name(row: Sequence[str]) -> str | None:
    """``meta``/``projects``/``votes`` if ``row`` is a section line (``VOTES``, ``votes;;``)."""
    name = row[0].strip().lower()
    if name in _SECTIONS and all(not value.strip() for value in row[1:]):
        return name
    return None


def _split_sections(text: str) -> dict[str, _Section]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    last = 0
    try:
        for row in reader:
            first, last = last + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            name = _section_name(row)
            if name is not None:
                if name in sections:
                    raise PabulibError(
                        f"a second {name.upper()} section "
                        f"(the first one is on line {sections[name].line})",
                        first,
                    )
                _check_has_header(current, first)
                current = sections[name] = _Section(name, first)
            elif len(row) == 1:
                raise PabulibError(
                    "expected a section name (META, PROJECTS or VOTES) or a row of "
                    f";-separated fields, found {_shorten(row[0])!r}" + _span(first, last, row),
                    first,
                )
            elif current is None:
                raise PabulibError("a row before the first section (META)", first)
            elif current.header is None:
                current.header = _header(current.name, row, first)
                current.header_line = first
            else:
                current.rows.append((first, last, row))
    except csv.Error as error:
        raise PabulibError(f"unreadable row ({error}); is a quote left open?", last + 1) from None
    end = last + 1
    _check_has_header(current, end)
    for name in _SECTIONS:
        if name not in sections:
            _check_not_swallowed(sections.values(), name)
            raise PabulibError(f"the text ends without a {name.upper()} section", end)
    return sections


def _check_not_swallowed(sections: Iterable[_Section], name: str) -> None:
    """Raise at the row whose quoted field runs over the missing section's line, if any."""
    for section in sections:
        for first, last, row in section.rows:
            if first != last and any(
                line.strip().lower() == name for value in row for line in value.splitlines()[1:]
            ):
                raise PabulibError(
                    f"a quoted field here runs on over the {name.upper()} line "
                    f"(to line {last}): is a quote left open?",
                    first,
                )


def _check_has_header(section: _Section | None, next_line: int) -> None:
    if section is not None and section.header is None:
        raise PabulibError(
            f"the {section.name.upper()} section (line {section.line}) has no header line",
            next_line,
        )


def _header(section: str, row: list[str], line: int) -> list[str]:
    names = [name.strip() for name in row]
    if section == "meta":
        if [name.lower() for name in names] != ["key", "value"]:
            raise PabulibError(
                f"the META header is {_shorten(';'.join(row))!r}; expected key;value", line
            )
        return names
    required = ("project_id", "cost") if section == "projects" else ("voter_id", "vote")
    seen: set[str] = set()
    for name in names:
        if not name:
            raise PabulibError(f"an empty column name in the {section.upper()} header", line)
        if name in seen:
            raise PabulibError(f"column {name!r} twice in the {section.upper()} header", line)
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise PabulibError(
            f"the {section.upper()} header has no {' or '.join(missing)} column", line
        )
    return names


def _fields(section: _Section, first: int, last: int, row: list[str]) -> None:
    header = section.header
    assert header is not None
    if len(row) != len(header):
        raise PabulibError(
            f"{len(row)} fields where the {section.name.upper()} header "
            f"(line {section.header_line}) has {len(header)}" + _span(first, last, row),
            first,
        )


def _read_meta(section: _Section) -> tuple[dict[str, str], dict[str, int]]:
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for first, last, row in section.rows:
        _fields(section, first, last, row)
        key = row[0].strip()
        if not key:
            raise PabulibError("an empty META key", first)
        if key in meta:
            raise PabulibError(f"META key {key!r} twice (first on line {lines[key]})", first)
        meta[key] = row[1]
        lines[key] = first
    return meta, lines


def _new_id(value: str, kind: str, lines: dict[str, int], line: int, *, allow_comma: bool) -> str:
    """``value`` as an id not seen before (``lines``: where each id was first seen)."""
    problem = _id_problem(value, kind, allow_comma=allow_comma)
    if problem:
        raise PabulibError(problem, line)
    if value in lines:
        raise PabulibError(f"{kind} {value!r} twice (first on line {lines[value]})", line)
    lines[value] = line
    return value


def _read_projects(section: _Section) -> list[Project]:
    header = section.header
    assert header is not None
    id_at, cost_at = header.index("project_id"), header.index("cost")
    name_at = header.index("name") if "name" in header else None
    others = [(at, name) for at, name in enumerate(header) if name not in _PROJECT_COLUMNS]
    projects: list[Project] = []
    lines: dict[str, int] = {}
    for first, last, row in section.rows:
        _fields(section, first, last, row)
        project_id = _new_id(row[id_at], "project id", lines, first, allow_comma=False)
        try:
            cost = _money(row[cost_at], f"the cost of project {project_id!r}")
        except PabulibError as error:
            raise PabulibError(str(error), first) from None
        projects.append(
            Project(
                id=project_id,
                cost=cost,
                name="" if name_at is None else row[name_at],
                position=len(projects),
                extra={name: row[at] for at, name in others},
            )
        )
    return projects


def _read_votes(section: _Section, project_ids: set[str]) -> list[Vote]:
    header = section.header
    assert header is not None
    id_at, vote_at = header.index("voter_id"), header.index("vote")
    points_at = header.index("points") if "points" in header else None
    others = [(at, name) for at, name in enumerate(header) if name not in _VOTE_COLUMNS]
    votes: list[Vote] = []
    lines: dict[str, int] = {}
    for first, last, row in section.rows:
        _fields(section, first, last, row)
        voter_id = _new_id(row[id_at], "voter id", lines, first, allow_comma=True)
        chosen = tuple(row[vote_at].split(",")) if row[vote_at] else ()
        problem = _ballot_problem(voter_id, chosen, project_ids)
        if problem:
            raise PabulibError(problem, first)
        points: tuple[int, ...] | None = None
        if points_at is not None:
            written = row[points_at]
            try:
                points = (
                    tuple(_integer(p, signed=True) for p in written.split(",")) if written else ()
                )
            except ValueError:
                raise PabulibError(
                    f"voter {voter_id!r}: points {_shorten(written)!r} are not whole numbers "
                    "separated by commas",
                    first,
                ) from None
            problem = _points_problem(voter_id, chosen, points)
            if problem:
                raise PabulibError(problem, first)
        votes.append(
            Vote(
                voter_id=voter_id,
                projects=chosen,
                points=points,
                extra={name: row[at] for at, name in others},
            )
        )
    return votes


def _check_meta(
    meta: Mapping[str, str],
    lines: Mapping[str, int],
    meta_line: int | None,
    projects: Sequence[Project],
    votes: Sequence[Vote],
) -> None:
    """The META facts every instance needs; ``lines`` says where each key stands."""

    def fail(message: str, key: str | None = None) -> PabulibError:
        return PabulibError(message, lines.get(key, meta_line) if key else meta_line)

    for key in ("budget", "vote_type"):
        if key not in meta:
            raise fail(f"META has no {key}")
    try:
        _money(meta["budget"], "the budget")
    except PabulibError as error:
        raise fail(str(error), "budget") from None
    if meta["vote_type"] not in VOTE_TYPES:
        raise fail(
            f"vote_type {_shorten(meta['vote_type'])!r} is not one of "
            f"{', '.join(sorted(VOTE_TYPES))}",
            "vote_type",
        )
    for key, count, what in (
        ("num_projects", len(projects), "projects"),
        ("num_votes", len(votes), "votes"),
    ):
        if key in meta:
            try:
                claimed = _integer(meta[key], signed=False)
            except ValueError:
                raise fail(f"{key} {_shorten(meta[key])!r} is not a whole number", key) from None
            if claimed != count:
                raise fail(f"{key} says {claimed}, but there are {count} {what}", key)


# Shared checks (reading and writing)


def _id_problem(value: str, what: str, *, allow_comma: bool) -> str | None:
    if not value:
        return f"an empty {what}"
    if not allow_comma and "," in value:
        return f"{what} {_shorten(value)!r} holds a comma, which separates ids in a vote"
    return None


def _ballot_problem(voter_id: str, chosen: Sequence[str], project_ids: set[str]) -> str | None:
    if len(set(chosen)) != len(chosen):
        twice = sorted({p for p in chosen if chosen.count(p) > 1})
        return f"voter {voter_id!r} names project {twice[0]!r} more than once"
    unknown = [p for p in chosen if p not in project_ids]
    if unknown:
        return f"voter {voter_id!r} names project {_shorten(unknown[0])!r}, not in PROJECTS"
    return None


def _points_problem(voter_id: str, chosen: Sequence[str], points: Sequence[int]) -> str | None:
    if len(points) != len(chosen):
        return (
            f"voter {voter_id!r} gives {len(points)} points for {len(chosen)} projects; "
            "the points column needs one number per project in the vote column"
        )
    return None


def _integer(text: str, *, signed: bool) -> int:
    """A whole number written in ASCII digits (``int()`` would also take ``1_000``, ``٣``)."""
    digits = text.strip()
    body = digits[1:] if signed and digits.startswith("-") else digits
    if not (body.isascii() and body.isdigit()):
        raise ValueError(text)
    return int(digits)


def _money(text: str, what: str) -> int:
    digits = text.strip()
    whole, point, fraction = digits.partition(".")
    if point and fraction and fraction.strip("0") == "" and whole:
        digits = whole  # 1000.00 is a whole number
    try:
        return _integer(digits, signed=False)
    except ValueError:
        pass
    if point and whole.isascii() and whole.isdigit() and fraction.isascii() and fraction.isdigit():
        raise PabulibError(
            f"{what} is {text!r}, not a whole number; Puljen keeps money in whole units — "
            "convert the file to minor units (øre, cents) first"
        )
    raise PabulibError(f"{what} is {_shorten(text)!r}, not a whole number of at least 0")


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _span(first: int, last: int, row: Sequence[str]) -> str:
    if first != last:
        return f" (this row runs from line {first} to line {last}: is a quote left open?)"
    if any("\n" in value or "\r" in value for value in row):
        return " (a field holds a line break: is a quote left open?)"
    return ""


# Writing


def dump(instance: Instance) -> str:
    """A ``.pb`` text that :func:`read` turns back into ``instance``.

    Raises ``PabulibError`` (with ``line`` None) for an instance no ``.pb`` text describes:
    the checks :func:`read` makes, plus projects and votes that disagree on their columns,
    positions other than 0, 1, 2, …, keys with surrounding spaces (which reading strips) and
    rows that would read as a section line (a META key ``votes`` with a blank value; a voter
    ``meta`` with an empty vote and blank columns).
    """
    meta, projects, votes = instance.meta, instance.projects, instance.votes
    _check_writable(instance)
    out: list[str] = ["META", "key;value"]
    out.extend(_row((key, value)) for key, value in meta.items())

    with_name = any(project.name for project in projects)
    project_extra = list(projects[0].extra) if projects else []
    out.append("PROJECTS")
    out.append(_row(["project_id", "cost", *(["name"] if with_name else []), *project_extra]))
    for project in projects:
        name = [project.name] if with_name else []
        extra = [project.extra[key] for key in project_extra]
        out.append(_row([project.id, str(project.cost), *name, *extra]))

    with_points = (
        votes[0].points is not None if votes else meta.get("vote_type") in POINTS_VOTE_TYPES
    )
    vote_extra = list(votes[0].extra) if votes else []
    out.append("VOTES")
    out.append(_row(["voter_id", "vote", *(["points"] if with_points else []), *vote_extra]))
    for vote in votes:
        points = [",".join(map(str, vote.points or ()))] if with_points else []
        extra = [vote.extra[key] for key in vote_extra]
        out.append(_row([vote.voter_id, ",".join(vote.projects), *points, *extra]))
    return "\n".join(out) + "\n"


def _row(fields: Iterable[str]) -> str:
    return ";".join(
        '"' + value.replace('"', '""') + '"' if _QUOTE_NEEDED.intersection(value) else value
        for value in fields
    )


def _check_writable(instance: Instance) -> None:
    meta, projects, votes = instance.meta, instance.projects, instance.votes
    for key, value in meta.items():
        _check_key(key, "META key")
        if _section_name((key, value)):
            raise PabulibError(f"META key {key!r} with a blank value would read as a section line")

    project_ids: set[str] = set()
    columns: set[str] | None = None
    for index, project in enumerate(projects):
        where = f"project {index} ({_shorten(project.id)!r})"
        problem = _id_problem(project.id, "project id", allow_comma=False)
        if problem:
            raise PabulibError(f"{where}: {problem}")
        if project.id in project_ids:
            raise PabulibError(f"{where}: project id {project.id!r} twice")
        project_ids.add(project.id)
        if isinstance(project.cost, bool) or not isinstance(project.cost, int):
            raise PabulibError(f"{where}: the cost {project.cost!r} is not an int")
        if project.cost < 0:
            raise PabulibError(f"{where}: the cost {project.cost} is below 0")
        if project.position != index:
            raise PabulibError(f"{where}: position {project.position}, not {index}")
        columns = _check_columns(where, project.extra, columns, _PROJECT_COLUMNS)

    voter_ids: set[str] = set()
    columns = None
    with_points: bool | None = None
    for index, vote in enumerate(votes):
        where = f"vote {index} ({_shorten(vote.voter_id)!r})"
        problem = _id_problem(vote.voter_id, "voter id", allow_comma=True) or _ballot_problem(
            vote.voter_id, vote.projects, project_ids
        )
        if vote.points is not None:
            problem = problem or _points_problem(vote.voter_id, vote.projects, vote.points)
        if problem:
            raise PabulibError(f"{where}: {problem}")
        if vote.voter_id in voter_ids:
            raise PabulibError(f"{where}: voter id {vote.voter_id!r} twice")
        voter_ids.add(vote.voter_id)
        if with_points is None:
            with_points = vote.points is not None
        elif with_points != (vote.points is not None):
            raise PabulibError(f"{where}: some votes have points and some have none")
        if vote.points is not None and not all(
            isinstance(p, int) and not isinstance(p, bool) for p in vote.points
        ):
            raise PabulibError(f"{where}: points must be ints")
        columns = _check_columns(where, vote.extra, columns, _VOTE_COLUMNS)
        # (points are blank only when the vote is: one number per project voted for)
        if _section_name((vote.voter_id, ",".join(vote.projects), *vote.extra.values())):
            raise PabulibError(f"{where}: this row would read as a section line")

    _check_meta(meta, {}, None, projects, votes)
    if with_points is False and meta["vote_type"] in POINTS_VOTE_TYPES:
        raise PabulibError(f"{meta['vote_type']} votes need points")


def _check_key(key: str, what: str) -> None:
    if not key or key != key.strip():
        raise PabulibError(f"{what} {key!r} is empty or has surrounding spaces")


def _check_columns(
    where: str, extra: Mapping[str, str], expected: set[str] | None, reserved: Sequence[str]
) -> set[str]:
    keys = set(extra)
    if expected is None:
        for key in extra:
            _check_key(key, "column")
            if key in reserved:
                raise PabulibError(f"{where}: extra column {key!r} is one of {reserved}")
        return keys
    if keys != expected:
        raise PabulibError(
            f"{where}: extra columns {sorted(keys)} differ from the first one's "
            f"{sorted(expected)}; every row of a section has the same columns"
        )
    return expected
