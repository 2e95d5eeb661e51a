"""The criteria checklists of section IV.2 of the plan, one per candidate.

Every criterion the application can decide from its own data is filled in with
its evidence; the others wait for staff to attest them. A checklist is built for
all candidates of a round at once, with a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from awards.models import (
    GOOD_OR_BETTER,
    Attestation,
    Candidate,
    MemberRating,
    MovementRecord,
    PactSignatory,
    UnitRating,
)
from goldbook.models import GoldBookEntry
from initiatives.models import Author, CouncilItem, Registration

# How a criterion is decided.
DATA = "data"  # from the application's data only
DATA_OR_ATTEST = "data_or_attest"  # from data; failing that, staff may attest it
ATTEST = "attest"  # staff attest it


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    source: str


COLLECTIVE = (
    Criterion("launched", _("Launched the movement in the year"), DATA),
    Criterion(
        "propagated",
        _("Propagated the movement among officers and members"),
        DATA_OR_ATTEST,
    ),
    Criterion("pact", _("Signed the emulation pact"), DATA),
    Criterion(
        "registrations",
        _("Officers and members registered initiatives or topics"),
        DATA,
    ),
    Criterion("review", _("Held the interim or annual review of the movement"), DATA),
    Criterion(
        "reviewed",
        _("Reviewed and accepted initiatives seriously"),
        DATA_OR_ATTEST,
    ),
    Criterion(
        "recognised",
        _("Has initiatives recognised and applied (Gold Book entries)"),
        DATA,
    ),
    Criterion(
        "compliance",
        _(
            "Internal unity; complies with the Party's, the State's and the "
            "union's rules"
        ),
        ATTEST,
    ),
    Criterion("rated", _('Rated "Công đoàn vững mạnh"'), DATA),
)

INDIVIDUAL = (
    Criterion(
        "initiative",
        _("An initiative recognised and applied with effect (Gold Book entry)"),
        DATA,
    ),
    Criterion(
        "compliance",
        _("Complies with the Party's, the State's and the union's rules"),
        ATTEST,
    ),
    Criterion("rating", _('Member rated "khá" (good) or better'), DATA),
)

CRITERIA = {
    Candidate.Kind.COLLECTIVE: COLLECTIVE,
    Candidate.Kind.INDIVIDUAL: INDIVIDUAL,
}


def criterion(kind: str, code: str) -> Criterion | None:
    return next((c for c in CRITERIA[kind] if c.code == code), None)


def attestable(kind: str, code: str) -> bool:
    found = criterion(kind, code)
    return found is not None and found.source in (ATTEST, DATA_OR_ATTEST)


# The state of a check and of a whole checklist.
MET, WAITING, NOT_MET = "met", "waiting", "not_met"
# How many Gold Book entries a collective's check lists one by one.
ENTRIES_LISTED = 5


@dataclass
class Evidence:
    label: str
    url: str = ""


@dataclass
class Check:
    criterion: Criterion
    # True: met; False: not met; None: waiting for staff to attest it.
    met: bool | None
    evidence: list[Evidence] = field(default_factory=list)
    reason: str = ""
    attestation: Attestation | None = None

    @property
    def state(self) -> str:
        if self.met is None:
            return WAITING
        return MET if self.met else NOT_MET

    @property
    def attestable(self) -> bool:
        return self.criterion.source in (ATTEST, DATA_OR_ATTEST) and not (
            self.criterion.source == DATA_OR_ATTEST
            and self.met
            and self.attestation is None
        )


@dataclass
class Checklist:
    candidate: Candidate
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.met for check in self.checks)

    @property
    def waiting(self) -> list[Check]:
        return [check for check in self.checks if check.met is None]

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.met is False]

    @property
    def state(self) -> str:
        """Which of the three holds: every criterion met, one not met, or none
        failed but some waiting for staff."""
        if self.failed:
            return NOT_MET
        if self.waiting:
            return WAITING
        return MET

    @property
    def shortfall(self) -> str:
        """Why the candidate falls short, in one line: the criteria not met only
        (a met or a waiting criterion is never a reason)."""
        parts = [
            str(check.reason or check.criterion.label).rstrip(".")
            for check in self.failed
        ]
        return "; ".join(parts) + ("." if parts else "")

    @property
    def waiting_for(self) -> str:
        """The criteria waiting for staff, in one line."""
        parts = [str(check.criterion.label).rstrip(".") for check in self.waiting]
        return "; ".join(parts) + ("." if parts else "")


def _in_subtree(paths: list[str], prefix: str = "") -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def _owner(path: str, paths: list[str]) -> list[str]:
    """The candidate paths a unit path falls under."""
    return [p for p in paths if path.startswith(p)]


def checklists(candidates: list[Candidate], year: int) -> dict[int, Checklist]:
    """Checklists for the candidates (of one round), by candidate id."""
    collectives = [c for c in candidates if c.kind == Candidate.Kind.COLLECTIVE]
    individuals = [c for c in candidates if c.kind == Candidate.Kind.INDIVIDUAL]
    attestations: dict[tuple[int, str], Attestation] = {
        (a.candidate_id, a.criterion): a
        for a in Attestation.objects.filter(
            candidate__in=[c.pk for c in candidates]
        ).select_related("attested_by")
    }
    found: dict[int, list[Check]] = {}
    if collectives:
        found.update(_collective_checks(collectives, year))
    if individuals:
        found.update(_individual_checks(individuals, year))
    result = {}
    for candidate in candidates:
        checks = found[candidate.pk]
        for check in checks:
            attestation = attestations.get((candidate.pk, check.criterion.code))
            if attestation is None or check.criterion.source == DATA:
                continue
            if check.criterion.source == DATA_OR_ATTEST and check.met:
                continue
            check.attestation = attestation
            check.met = attestation.met
            check.reason = "" if attestation.met else attestation.note
            check.evidence.append(
                Evidence(
                    _("Attested by %(name)s: %(note)s")
                    % {
                        "name": attestation.attested_by.full_name,
                        "note": attestation.note or "—",
                    }
                )
            )
        result[candidate.pk] = Checklist(candidate, checks)
    return result


def _collective_checks(candidates: list[Candidate], year: int) -> dict:
    units = {c.unit_id: c.unit for c in candidates}
    paths = sorted({unit.path for unit in units.values()})
    records = defaultdict(list)
    for record in MovementRecord.objects.filter(unit__in=units, year=year).only(
        "id", "unit_id", "kind", "title", "held_on"
    ):
        records[(record.unit_id, record.kind)].append(record)
    pacts = defaultdict(list)
    for signature in PactSignatory.objects.filter(
        unit__in=units, pact__year=year
    ).select_related("pact"):
        pacts[signature.unit_id].append(signature.pact)
    registrations = defaultdict(int)
    for unit_path in Registration.objects.filter(
        _in_subtree(paths, "unit__"), year=year
    ).values_list("unit__path", flat=True):
        for owner in _owner(unit_path, paths):
            registrations[owner] += 1
    decided = defaultdict(int)
    for unit_id in CouncilItem.objects.filter(
        council__unit__in=units, council__year=year, decided_on__isnull=False
    ).values_list("council__unit_id", flat=True):
        decided[unit_id] += 1
    # A collective's recognised initiatives are those of its members, whatever
    # level recognised them: an entry in a book of its subtree, or in the book
    # of a unit above for a request filed from its subtree (a school's initiative
    # recognised by the branch council). One initiative recognised at two levels
    # counts once.
    entries = defaultdict(dict)
    for row in (
        GoldBookEntry.objects.filter(
            _in_subtree(paths, "book__unit__")
            | _in_subtree(paths, "initiative__unit__"),
            year=year,
            status=GoldBookEntry.Status.ACTIVE,
        )
        .values(
            "id",
            "number",
            "title",
            "initiative_id",
            "book__unit__path",
            "book__unit__name",
            "initiative__unit__path",
        )
        .order_by("recorded_on", "id")
    ):
        owners = set(_owner(row["book__unit__path"], paths))
        owners |= set(_owner(row["initiative__unit__path"], paths))
        for owner in owners:
            entries[owner].setdefault(row["initiative_id"], row)
    ratings = {
        rating.unit_id: rating
        for rating in UnitRating.objects.filter(
            unit__in=units, year=year
        ).select_related("level")
    }

    def record_check(crit, unit, kinds, missing):
        rows = [r for kind in kinds for r in records[(unit.pk, kind)]]
        return Check(
            crit,
            bool(rows) or (None if crit.source == DATA_OR_ATTEST else False),
            [
                Evidence(f"{r.title} ({r.held_on:%d/%m/%Y})", r.get_absolute_url())
                for r in rows
            ],
            "" if rows else missing,
        )

    result = {}
    for candidate in candidates:
        unit = candidate.unit
        c = {crit.code: crit for crit in COLLECTIVE}
        checks = [
            record_check(
                c["launched"],
                unit,
                [MovementRecord.Kind.LAUNCH],
                _("No launch recorded for the year."),
            ),
            record_check(
                c["propagated"],
                unit,
                [MovementRecord.Kind.PROPAGATION],
                _("No propagation recorded for the year."),
            ),
        ]
        unit_pacts = pacts[unit.pk]
        checks.append(
            Check(
                c["pact"],
                bool(unit_pacts),
                [Evidence(p.title, p.get_absolute_url()) for p in unit_pacts],
                "" if unit_pacts else _("Signed no emulation pact in the year."),
            )
        )
        count = registrations[unit.path]
        checks.append(
            Check(
                c["registrations"],
                count > 0,
                [
                    Evidence(
                        ngettext(
                            "%(count)d registration",
                            "%(count)d registrations",
                            count,
                        )
                        % {"count": count},
                        reverse("initiatives:registration_list")
                        + "?"
                        + urlencode({"unit": unit.pk, "year": year}),
                    )
                ]
                if count
                else [],
                "" if count else _("No registrations in the year."),
            )
        )
        checks.append(
            record_check(
                c["review"],
                unit,
                [MovementRecord.Kind.ANNUAL_REVIEW, MovementRecord.Kind.INTERIM_REVIEW],
                _("No review of the movement recorded for the year."),
            )
        )
        count = decided[unit.pk]
        checks.append(
            Check(
                c["reviewed"],
                True if count else None,
                [
                    Evidence(
                        ngettext(
                            "%(count)d request decided by its council",
                            "%(count)d requests decided by its council",
                            count,
                        )
                        % {"count": count}
                    )
                ]
                if count
                else [],
                "" if count else _("Its council decided no request in the year."),
            )
        )
        own = list(entries[unit.path].values())
        count = len(own)
        checks.append(
            Check(
                c["recognised"],
                count > 0,
                [
                    Evidence(
                        ngettext(
                            "%(count)d recognised initiative",
                            "%(count)d recognised initiatives",
                            count,
                        )
                        % {"count": count},
                        reverse("goldbook:rollup", args=[unit.pk])
                        + "?"
                        + urlencode({"year": year}),
                    )
                ]
                + [
                    Evidence(
                        _("%(book)s, entry no. %(number)s: %(title)s")
                        % {
                            "book": row["book__unit__name"],
                            "number": row["number"],
                            "title": row["title"],
                        },
                        reverse("goldbook:entry", args=[row["id"]]),
                    )
                    for row in own[:ENTRIES_LISTED]
                ]
                if count
                else [],
                "" if count else _("No initiative recognised in the year."),
            )
        )
        checks.append(Check(c["compliance"], None, [], ""))
        rating = ratings.get(unit.pk)
        checks.append(
            Check(
                c["rated"],
                bool(rating and rating.level.is_strong),
                [Evidence(str(rating.level))] if rating else [],
                ""
                if rating and rating.level.is_strong
                else (
                    _("Rated %(level)s.") % {"level": rating.level}
                    if rating
                    else _("Not rated for the year.")
                ),
            )
        )
        result[candidate.pk] = checks
    return result


def _individual_checks(candidates: list[Candidate], year: int) -> dict:
    people = [c.person_id for c in candidates]
    entries = defaultdict(list)
    prefix = "initiative__gold_book_entries__"
    for row in Author.objects.filter(
        user__in=people,
        **{f"{prefix}year": year, f"{prefix}status": GoldBookEntry.Status.ACTIVE},
    ).values("user_id", f"{prefix}id", f"{prefix}number", f"{prefix}title"):
        entries[row["user_id"]].append(
            Evidence(
                _("Gold Book entry no. %(number)s: %(title)s")
                % {"number": row[f"{prefix}number"], "title": row[f"{prefix}title"]},
                reverse("goldbook:entry", args=[row[f"{prefix}id"]]),
            )
        )
    ratings = {
        rating.user_id: rating
        for rating in MemberRating.objects.filter(user__in=people, year=year)
    }
    c = {crit.code: crit for crit in INDIVIDUAL}
    result = {}
    for candidate in candidates:
        own = entries[candidate.person_id]
        checks = [
            Check(
                c["initiative"],
                bool(own),
                own,
                "" if own else _("No initiative in a Gold Book for the year."),
            ),
            Check(c["compliance"], None, [], ""),
        ]
        rating = ratings.get(candidate.person_id)
        good = bool(rating and rating.grade in GOOD_OR_BETTER)
        checks.append(
            Check(
                c["rating"],
                good,
                [Evidence(rating.get_grade_display())] if rating else [],
                ""
                if good
                else (
                    _("Rated %(grade)s.") % {"grade": rating.get_grade_display()}
                    if rating
                    else _("Not rated for the year.")
                ),
            )
        )
        result[candidate.pk] = checks
    return result
