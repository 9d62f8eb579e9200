"""Coordinators' dashboard, printable report and CSV export: aggregates only.

Every figure comes from `api.reports.service.summary`, the function behind
/api/reports/summary, so small counts are withheld here exactly as there.
"""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.kit.deps import SessionDep, SettingsDep
from api.reports import service
from api.reports.schemas import Count, Summary
from api.services.models import DirectoryService
from api.ui import charts
from api.ui.export import to_csv
from api.ui.format import german_date, label, render
from api.ui.session import UiCoordinator

router = APIRouter(include_in_schema=False)

# Sections of the report: (key in Summary, heading, kind of label).
SECTIONS = [
    ("intakes_by_goal", "Anliegen nach Handlungsfeld (KIM-Ziel)", "goal"),
    ("referrals_by_target", "Weitervermittlungen nach Stelle", "referral"),
    ("intakes_by_language", "Anliegen nach Sprache", "language"),
    ("intakes_by_district", "Anliegen nach Stadtteil", None),
    ("barriers_by_category", "Barrieren nach Kategorie", "barrier"),
    ("barriers_by_service", "Barrieren nach Stelle (Amt, Dienst)", "service"),
    ("cases_by_status", "Fälle nach Status", "status"),
    ("referrals_by_status", "Weitervermittlungen nach Status", "referral_status"),
]


def _period(request: Request) -> tuple[date | None, date | None, str | None]:
    def parse(name: str) -> date | None:
        raw = request.query_params.get(name) or ""
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    start, end = parse("von"), parse("bis")
    if start and end and start > end:
        return None, None, "Der Beginn des Zeitraums liegt nach seinem Ende; gezeigt wird der ganze Zeitraum."
    return start, end, None


def _key_label(key: str, kind: str | None, directory_names: dict[str, str]) -> str:
    if key == "unknown":
        return "ohne Angabe"
    if kind == "service":
        return directory_names.get(key, key)
    return label(key, kind) if kind else key


def _rows(counts: list[Count], kind: str | None, names: dict[str, str]):
    return [(_key_label(c.key, kind, names), c.count, c.suppressed) for c in counts]


def _month_labels(months: list[Count]) -> list[tuple[str, int | None, bool]]:
    return [(f"{c.key[5:7]}/{c.key[:4]}", c.count, c.suppressed) for c in months]


def _median_by_month(session, threshold: int, months: list[Count], start: date | None, end: date | None):
    """The median wait per month: the report service once per month of the period."""
    points = []
    for count in months:
        year, month = int(count.key[:4]), int(count.key[5:7])
        first = date(year, month, 1)
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        first, last = max(first, start or first), min(last, end or last)
        month_summary = service.summary(session, threshold, first, last)
        hours = None if month_summary.median_minutes_to_claim is None else month_summary.median_minutes_to_claim / 60
        points.append((f"{count.key[5:7]}/{count.key[:4]}", hours, hours is None))
    return points


def _directory_names(session) -> dict[str, str]:
    return {sid: name for sid, name in session.execute(select(DirectoryService.id, DirectoryService.name))}


def _report(request: Request, session, settings) -> dict:
    start, end, problem = _period(request)
    summary: Summary = service.summary(session, settings.small_count_threshold, start, end)
    names = _directory_names(session)
    sections = [
        {
            "key": key,
            "title": title,
            "chart": charts.bar_chart(_rows(getattr(summary, key), kind, names)),
        }
        for key, title, kind in SECTIONS
    ]
    catalogue_label = lambda code: label(code, "barrier")  # noqa: E731
    services = sorted({p.service_id for p in summary.barriers_by_category_and_service}, key=lambda s: (s is None, s or ""))
    categories = sorted({p.category for p in summary.barriers_by_category_and_service})
    matrix = {(p.category, p.service_id): p for p in summary.barriers_by_category_and_service}
    return {
        "summary": summary,
        "period_from": start,
        "period_to": end,
        "period_text": _period_text(start, end),
        "problem": problem,
        "query": request.url.query,
        "months": charts.line_chart(_month_labels(summary.intakes_by_month)),
        "waiting": charts.line_chart(
            _median_by_month(session, settings.small_count_threshold, summary.intakes_by_month, start, end)
        ),
        "sections": sections,
        "matrix": {
            "services": [(s, names.get(s, s) if s else "ohne Stelle") for s in services],
            "categories": [(c, catalogue_label(c)) for c in categories],
            "cells": matrix,
        },
        "threshold": settings.small_count_threshold,
    }


def _period_text(start: date | None, end: date | None) -> str:
    if not start and not end:
        return "gesamter Zeitraum"
    return f"{german_date(start) if start else 'Beginn'} bis {german_date(end) if end else 'heute'}"


def _quick_periods() -> list[tuple[str, str]]:
    today = date.today()
    return [
        ("Letzte 30 Tage", f"von={(today - timedelta(days=30)).isoformat()}&bis={today.isoformat()}"),
        ("Dieses Jahr", f"von={date(today.year, 1, 1).isoformat()}&bis={today.isoformat()}"),
        ("Letztes Jahr", f"von={date(today.year - 1, 1, 1).isoformat()}&bis={date(today.year - 1, 12, 31).isoformat()}"),
        ("Gesamt", ""),
    ]


@router.get("/ui/reports")
def dashboard(request: Request, session: SessionDep, settings: SettingsDep, principal: UiCoordinator):
    context = {"principal": principal, "quick_periods": _quick_periods(), **_report(request, session, settings)}
    return render(request, "reports/dashboard.html", context)


@router.get("/ui/reports/print")
def printable(request: Request, session: SessionDep, settings: SettingsDep, principal: UiCoordinator):
    context = {"principal": principal, "today": date.today(), **_report(request, session, settings)}
    return render(request, "reports/print.html", context)


@router.get("/ui/reports/export.csv")
def export_csv(request: Request, session: SessionDep, settings: SettingsDep, principal: UiCoordinator):
    report = _report(request, session, settings)
    summary: Summary = report["summary"]
    withheld = f"< {settings.small_count_threshold}"
    rows: list[list[object]] = [
        ["Wegweiser – Bericht für die Steuerungsgruppe KIM Münster"],
        ["Zeitraum", report["period_text"]],
        ["Kleine Zahlen unterdrückt unter", settings.small_count_threshold],
        [],
        ["Abschnitt", "Schlüssel", "Bezeichnung", "Anzahl"],
        ["Anliegen gesamt", "intakes", "Anliegen", summary.intakes.count if not summary.intakes.suppressed else withheld],
    ]
    for count in summary.intakes_by_month:
        rows.append(["Anliegen nach Monat", count.key, count.key, withheld if count.suppressed else count.count])
    names = _directory_names(session)
    for key, title, kind in SECTIONS:
        for count in getattr(summary, key):
            rows.append([title, count.key, _key_label(count.key, kind, names), withheld if count.suppressed else count.count])
    for pair in summary.barriers_by_category_and_service:
        rows.append(
            [
                "Barrieren nach Kategorie und Stelle",
                f"{pair.category}/{pair.service_id or '-'}",
                f"{label(pair.category, 'barrier')} – {names.get(pair.service_id, pair.service_id) if pair.service_id else 'ohne Stelle'}",
                withheld if pair.suppressed else pair.count,
            ]
        )
    rows.append(
        ["Geänderte Zuordnungen", "routing_changes", "Geänderte Zuordnungen",
         withheld if summary.routing_changes.suppressed else summary.routing_changes.count]
    )
    rows.append(
        ["Wartezeit bis zur Übernahme", "median_minutes_to_claim", "Median in Minuten",
         summary.median_minutes_to_claim if summary.median_minutes_to_claim is not None else withheld]
    )
    filename = "wegweiser-bericht"
    if report["period_from"] or report["period_to"]:
        filename += f"-{report['period_from'] or 'beginn'}-{report['period_to'] or 'heute'}"
    return Response(
        to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}.csv"'},
    )
