"""The output `json`: `web/pressemitteilungen.json`, the public releases for a website's
content management system. One entry per release, newest first: number, date, publication
time, title and subtitle (typeset), the lead paragraph as text, its language versions with
their page addresses, and every PDF with its size and SHA-256. Made from the entries of
the public packages, like the archive: releases under embargo and drafts are absent."""

from __future__ import annotations

import json

from .outputs import Made
from .packages import PUBLIC

FILE = f"{PUBLIC}/pressemitteilungen.json"


def templates(site, context) -> list[str]:
    return []


def make(site, context) -> Made:
    base = context.config.web_address or ""
    records = context.records()
    slugs = {r["slug"] for r in records}
    # A translation or Leichte-Sprache edition is a language version of its original; one
    # whose original is not public stands on its own.
    versions: dict[str, list[dict]] = {}
    for record in records:
        head = record["original"] if record["original"] in slugs else record["slug"]
        versions.setdefault(head, []).append(record)
    entries = []
    for record in sorted((r for r in records if r["slug"] in versions),
                         key=lambda r: (r["datum"], r["slug"]), reverse=True):
        editions = sorted(versions[record["slug"]], key=lambda r: r["slug"] != record["slug"])
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
    data = {"herausgeber": context.config.defaults.publisher.name,
            "adresse": base or None, "pressemitteilungen": entries}
    made = Made()
    made.add(FILE, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return made
