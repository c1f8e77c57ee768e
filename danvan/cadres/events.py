"""Sections other apps add to a generations event: the awards presented there, for one.

An app registers a provider at start-up (its AppConfig.ready): `provider(event, user)`
returns an `EventSection` (a titled table) or None. The event's page shows each section
and its printed programme carries it, so this app shows what it does not own.
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
