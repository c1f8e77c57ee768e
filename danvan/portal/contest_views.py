"""Public pages of the “Dân vận khéo” contests: the results the organisers have published
and the live scoreboard of a final, which shows only the scores revealed in the hall."""

from functools import wraps

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from danvan.contests import queries
from danvan.portal.views import visitor_context

# The scoreboard refreshes itself this often; its page is kept this long, server-side and
# by shared caches, so that a hall of phones and a projector cost one rendering a while.
BOARD_REFRESH_SECONDS = 5
BOARD_KEPT_SECONDS = 3
# Published results change when an organiser publishes a round: kept a minute.
RESULTS_KEPT_SECONDS = 60


def kept_page(seconds: int, prefix: str):
    """A public page kept `seconds` server-side and by shared caches for visitors (never for
    a signed-in official, whose name is in the top bar)."""

    def decorator(view):
        @require_safe
        @vary_on_cookie
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, visitor_context(request), *args, **kwargs)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, public=True, max_age=seconds)
            return response

        return cache_page(seconds, key_prefix=prefix)(wrapper)

    return decorator


live_page = kept_page(BOARD_KEPT_SECONDS, "contest-board")
results_page = kept_page(RESULTS_KEPT_SECONDS, "contest-results")


@results_page
def contests(request, context):
    context.update({"contests": list(queries.public_contests()), "section": "contests"})
    return render(request, "portal/contests.html", context)


@results_page
def contest_results(request, context, pk):
    contest = queries.get_public_contest(pk)
    context.update(
        {
            "contest": contest,
            "rounds": queries.public_results(contest),
            "board": queries.scoreboard_round(contest),
            "section": "contests",
        }
    )
    return render(request, "portal/contest_results.html", context)


def _board_context(context, pk) -> dict:
    contest = queries.get_public_contest(pk)
    round_ = queries.scoreboard_round(contest)
    parts, rows = queries.scoreboard(round_) if round_ is not None else ([], [])
    context.update(
        {
            "contest": contest,
            "round": round_,
            "parts": parts,
            "rows": rows,
            "refresh": BOARD_REFRESH_SECONDS,
            "section": "contests",
        }
    )
    return context


@live_page
def scoreboard(request, context, pk):
    return render(request, "portal/scoreboard.html", _board_context(context, pk))


@live_page
def scoreboard_table(request, context, pk):
    """The scoreboard's table alone: what the page asks for every few seconds."""
    return render(request, "portal/_board.html", _board_context(context, pk))
