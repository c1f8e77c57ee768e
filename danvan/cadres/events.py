"""Sections other apps add to the cadres' pages: the awards presented at a generations
event, the awards a cadre received.

An app registers a provider at start-up (its AppConfig.ready):
`register_event_section(provider)`, where `provider(event, user)` returns an `EventSection`
(a titled table) or None: the event's page shows it and its printed programme carries it;
`register_profile_section(provider)`, where `provider(cadre, user)` does the same for a
cadre's profile page. So this app shows what it does not own, without importing it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class EventSection:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # A page of the providing app where the section is managed (the awards of the event).
    url: str = ""
    empty_text: str = ""


Provider = Callable[..., EventSection | None]
_PROVIDERS: list[Provider] = []
_PROFILE_PROVIDERS: list[Provider] = []


def register_event_section(provider: Provider) -> None:
    """Add a provider of a section of every event (once per provider)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def event_sections(event, user=None) -> list[EventSection]:
    """The sections the registered providers give for an event, in order of registration."""
    sections = []
    for provider in _PROVIDERS:
        section = provider(event, user)
        if section is not None:
            sections.append(section)
    return sections


def register_profile_section(provider: Provider) -> None:
    """Add a provider of a section of every cadre's profile (once per provider)."""
    if provider not in _PROFILE_PROVIDERS:
        _PROFILE_PROVIDERS.append(provider)


def profile_sections(cadre, user=None) -> list[EventSection]:
    """The sections the registered providers give for a cadre's profile."""
    sections = []
    for provider in _PROFILE_PROVIDERS:
        section = provider(cadre, user)
        if section is not None:
            sections.append(section)
    return sections
