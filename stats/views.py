"""The health pages: /stats/ (admins) and /stats/b/<slug>/ (admins and the board's moderators), each with
CSV downloads of its tables."""
import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from stats import definitions as d
from stats import permissions, selectors


def _context(request, period, data, **extra) -> dict:
    return {**data, **extra, "period": period, "periods": d.PERIODS, "unanswered_hours": d.UNANSWERED_HOURS}


@login_required
@require_GET
def forum_stats(request):
    permissions.check_forum_stats(request.user)
    period = selectors.period_from(request.GET)
    return render(request, "stats/forum_stats.html",
                  _context(request, period, selectors.forum_page(period), csv_base="/stats/csv/"))


@login_required
@require_GET
def board_stats(request, slug):
    board = permissions.board_stats_or_404(request.user, slug)
    period = selectors.period_from(request.GET)
    return render(request, "stats/board_stats.html", _context(
        request, period, selectors.board_page(period, board), board=board, csv_base=f"/stats/b/{board.slug}/csv/"))


def _csv(table: selectors.Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a byte-order mark, so spreadsheets read the Chinese names as UTF-8
    csv.writer(response).writerows(table.csv_rows())
    return response


@login_required
@require_GET
def forum_stats_csv(request, table):
    permissions.check_forum_stats(request.user)
    period = selectors.period_from(request.GET)
    tables = selectors.forum_page(period)["tables"]
    if table not in tables:
        raise Http404
    return _csv(tables[table], f"hearth-{table}-{period.days}d-{period.end}.csv")


@login_required
@require_GET
def board_stats_csv(request, slug, table):
    board = permissions.board_stats_or_404(request.user, slug)
    period = selectors.period_from(request.GET)
    tables = selectors.board_page(period, board)["tables"]
    if table not in tables:
        raise Http404
    return _csv(tables[table], f"hearth-{board.pk}-{table}-{period.days}d-{period.end}.csv")
