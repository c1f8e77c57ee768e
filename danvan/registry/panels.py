"""Sections other apps add to a practice model's page: its commendations, for one.

An app above the registry registers a panel at start-up (its AppConfig.ready):
`panel(request, model)` returns the HTML of a section, or "" when it has nothing to show.
The model's page shows them in order, so the registry shows what it does not own.
"""

from collections.abc import Callable

Panel = Callable[..., str]
_PANELS: list[Panel] = []


def register_model_panel(panel: Panel) -> None:
    """Add a panel to every model's page (once per panel)."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def model_panels(request, model) -> list[str]:
    """The HTML of each registered panel for a model, those with something to show."""
    return [html for panel in _PANELS if (html := panel(request, model))]
