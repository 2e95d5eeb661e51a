"""Links other apps add to a person's page (e.g. their Gold Book entries), so
that the people pages need not know those apps."""

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
