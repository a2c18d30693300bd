"""The output `json`: `web/pressemitteilungen.json`, the public releases for a website's
content management system. One entry per release, newest first: number, date, publication
time, title and subtitle (typeset), the lead paragraph as text, its language versions with
their page addresses, and every PDF with its size and SHA-256. Made from the entries of
the public packages, like the archive: releases under embargo and drafts are absent.

Paged like the archive: `pressemitteilungen.json` holds the newest releases (`[web]
neueste`) and names the year files (`archiv`: year, count, address), and each
`pressemitteilungen-<Jahr>.json` holds all releases of its year; a year of more than
`site.MONTH_PAGES` releases names its month files instead (`monate`: month, count,
address), `pressemitteilungen-<Jahr>-<MM>.json`, each with the releases of its month. Each
file is remade only when the releases it holds change."""

from __future__ import annotations

import json

from . import site
from .outputs import Made, Part, once_per_list
from .packages import PUBLIC

FILE = f"{PUBLIC}/pressemitteilungen.json"
YEAR = "jahr/"


def templates(part, context) -> list[str]:
    return []


def year_file(year: int, month: int | None = None) -> str:
    return f"pressemitteilungen-{year}-{month:02d}.json" if month else \
        f"pressemitteilungen-{year}.json"


@once_per_list
def _groups(records: list[dict]) -> dict[str, list[dict]]:
    """Release slug → its entry and its editions' (a translation or Leichte-Sprache edition
    is a language version of its original; one whose original is not public stands on
    its own), newest release first."""
    by_slug = {r["slug"]: r for r in records}
    groups: dict[str, list[dict]] = {}
    for record in records:
        original = record["original"]
        groups.setdefault(original if original in by_slug else record["slug"], []).append(
            record)
    return {slug: groups[slug] for slug in sorted(
        groups, key=lambda s: (by_slug[s]["datum"], s), reverse=True)}


def _head(slug: str, found: list[dict]) -> dict:
    """The release's own entry of its group (`_groups`), most often the first."""
    return found[0] if found[0]["slug"] == slug else next(r for r in found
                                                          if r["slug"] == slug)


@once_per_list
def _years(groups: dict[str, list[dict]]) -> dict[int, list[str]]:
    years: dict[int, list[str]] = {}
    for slug, found in groups.items():
        years.setdefault(int(_head(slug, found)["datum"][:4]), []).append(slug)
    return years


def parts(records: list[dict], config) -> list[Part]:
    """The newest releases with their editions and the list of years; one part per year."""
    groups = _groups(records)
    years = _years(groups)
    shape = repr([(year, len(slugs)) for year, slugs in years.items()])
    newest = [r for slug in list(groups)[:config.newest] for r in groups[slug]]
    found = [Part("", tuple(newest), shape)]
    for year, slugs in years.items():
        if len(slugs) <= site.MONTH_PAGES:
            found.append(Part(f"{YEAR}{year}", tuple(r for s in slugs for r in groups[s])))
            continue
        months = _months(groups, slugs)
        found.append(Part(f"{YEAR}{year}", (),
                          repr([(month, len(m)) for month, m in months.items()])))
        found += [Part(f"{YEAR}{year}-{month:02d}", tuple(r for s in m for r in groups[s]))
                  for month, m in months.items()]
    return found


def _months(groups: dict[str, list[dict]], slugs: list[str]) -> dict[int, list[str]]:
    """Month → the slugs of its releases (by the date of the release, not its editions)."""
    months: dict[int, list[str]] = {}
    for slug in slugs:
        months.setdefault(int(_head(slug, groups[slug])["datum"][5:7]), []).append(slug)
    return months


def make(part: Part, context) -> Made:
    made = Made()
    config = context.config
    base = config.web_address or ""
    data = {"herausgeber": config.defaults.publisher.name, "adresse": base or None}
    if part.key:
        year, _, month = part.key.removeprefix(YEAR).partition("-")
        year = int(year)
        if month:
            data |= {"jahr": year, "monat": int(month),
                     "pressemitteilungen": _entries(context.whole(part.records), context)}
        elif part.records:
            data |= {"jahr": year,
                     "pressemitteilungen": _entries(context.whole(part.records), context)}
        else:  # a long year: its months
            groups = _groups(context.records())
            months = _months(groups, _years(groups).get(year, []))
            data |= {"jahr": year, "anzahl": sum(len(m) for m in months.values()),
                     "monate": [{"monat": number, "anzahl": len(m),
                                 "adresse": base + year_file(year, number)}
                                for number, m in months.items()]}
        made.add(f"{PUBLIC}/{year_file(year, int(month) if month else None)}",
                 json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return made
    data |= {"pressemitteilungen": _entries(context.whole(part.records), context),
             "archiv": [{"jahr": year, "anzahl": len(slugs),
                         "adresse": base + year_file(year)}
                        for year, slugs in _years(_groups(context.records())).items()]}
    made.add(FILE, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return made


def _entries(records, context) -> list[dict]:
    """One entry per release, newest first, its editions within."""
    base = context.config.web_address or ""
    entries = []
    for slug, editions in _groups(list(records)).items():
        record = _head(slug, editions)
        editions = sorted(editions, key=lambda r: r["slug"] != slug)
        entries.append({
            "kennung": record["slug"], "nummer": record["nummer"], "datum": record["datum"],
            "veroeffentlicht": record["veroeffentlicht"], "titel": record["titel"],
            "untertitel": record["untertitel"], "vorspann": record["vorspann"],
            "aktualisiert": record["aktualisiert"], "korrekturen": record["korrekturen"],
            "zurueckgezogen": record["zurueckgezogen"],
            "fassungen": [{"sprache": r["sprache"], "leichte_sprache": r["leichte_sprache"],
                           "titel": r["titel"], "seite": base + r["seite"]} for r in editions],
            "pdf": [{"sprache": r["sprache"], "leichte_sprache": r["leichte_sprache"],
                     "art": d["art"], "titel": d["titel"], "adresse": base + d["pdf"]["pfad"],
                     "bytes": d["pdf"]["bytes"], "sha256": d["pdf"]["sha256"]}
                    for r in editions for d in r["dokumente"] if d["pdf"]],
            "pressemappen": [{"sprache": r["sprache"], "leichte_sprache": r["leichte_sprache"],
                              "adresse": base + r["pressemappe"]["pfad"],
                              "bytes": r["pressemappe"]["bytes"],
                              "sha256": r["pressemappe"]["sha256"]} for r in editions
                             if r["pressemappe"]],
        })
    return entries
