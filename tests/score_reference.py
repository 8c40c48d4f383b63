"""links.score_pair as it was before it was made faster: the property test's reference (same score, evidence)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from forumwatch.tasks.links import StoryEvidence, Weights


def _capped(shared: Iterable[str], weight: float, cap: float) -> float:
    return min(cap, weight * len(list(shared)))


def reference_score_pair(a: StoryEvidence, b: StoryEvidence) -> tuple[float, dict]:
    weights = Weights()
    years = {str(t.year) for t in (a.first_published_at, b.first_published_at) if t is not None}
    shared = {
        "editions": sorted(a.editions & b.editions),
        "forums": sorted(a.forums & b.forums),
        "people": sorted(a.people & b.people),
        "organisations": sorted(a.organisations & b.organisations),
        "places": sorted(a.places & b.places),
        "countries": sorted(a.countries & b.countries),
        "numbers": sorted((a.numbers & b.numbers) - years, key=lambda n: (float(n), n)),
        "dates": sorted(a.dates & b.dates),
    }
    score = (
        (weights.edition if shared["editions"] else 0.0)
        + (weights.forum if shared["forums"] and not shared["editions"] else 0.0)
        + _capped(shared["people"], weights.person, weights.people_cap)
        + _capped(shared["organisations"], weights.organisation, weights.organisation_cap)
        + _capped(shared["places"], weights.place, weights.place_cap)
        + _capped(shared["countries"], weights.country, weights.country_cap)
        + _capped(shared["numbers"], weights.number, weights.number_cap)
        + _capped(shared["dates"], weights.date, weights.date_cap)
    )
    against = []
    if a.people and b.people and not shared["people"]:
        score += weights.no_common_person
        against.append("no person in common")
    if len(a.numbers - years) >= 2 and len(b.numbers - years) >= 2 and not shared["numbers"]:
        score += weights.no_common_number
        against.append("no number in common")
    if a.dates and b.dates and not shared["dates"]:
        score += weights.no_common_date
        against.append("no date in common")
    if a.editions and b.editions and not shared["editions"]:
        score += weights.other_edition
        against.append("different forum editions")
    hours = None
    if a.first_published_at is not None and b.first_published_at is not None:
        hours = abs((a.first_published_at - b.first_published_at).total_seconds()) / 3600
        score += weights.within_6h if hours <= 6 else weights.within_24h if hours <= 24 else 0.0
    evidence: dict[str, Any] = {k: v for k, v in shared.items() if v}
    evidence["kinds"] = sum(
        bool(x)
        for x in (
            shared["editions"] or shared["forums"],
            shared["people"],
            shared["places"],
            shared["numbers"] or shared["dates"],
        )
    )
    evidence["hours_apart"] = None if hours is None else round(hours, 1)
    if against:
        evidence["against"] = against
    return round(score, 3), evidence
