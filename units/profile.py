"""Links other apps add to a person's page (e.g. their Gold Book entries) and to
a unit's page (its Gold Book, its movement records), so that the pages of the
units app need not know those apps."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileLink:
    label: str
    url: Callable  # person -> URL


_links: list[ProfileLink] = []


def register_link(label, url: Callable) -> None:
    _links.append(ProfileLink(label, url))


def links_for(person) -> list[tuple[str, str]]:
    return [(str(link.label), link.url(person)) for link in _links]


_unit_links: list[ProfileLink] = []


def register_unit_link(label, url: Callable) -> None:
    _unit_links.append(ProfileLink(label, url))


def unit_links_for(unit) -> list[tuple[str, str]]:
    return [(str(link.label), link.url(unit)) for link in _unit_links]
