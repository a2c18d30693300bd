"""Leichte Sprache: the rules a program can check, as findings a press officer can act on.

Leichte Sprache (Netzwerk Leichte Sprache; BITV 2.0 § 4) is an edition of its own, written and
checked by people; this pure module (strings in, findings out) points only at what a program
sees: long sentences, abbreviations, unexplained numbers, long undivided words, brackets and
semicolons. Thresholds, and why:
- `MAX_WORDS = 15`: one statement per sentence; 15 words is the usual bound of Leichte-Sprache
  checklists and leaves room for a date or a name.
- `LONG_WORD = 13`: from 14 letters on, words in press texts are nearly always compounds
  (Zusammenarbeit, Staatsregierung); frequent plain words of 13 (Informationen) pass. The
  feminine ending -in/-innen does not count; undividable words go in `ALLOWED_LONG_WORDS`.
- `EXPLAINED`: a number counts as explained when its sentence or the next one says what it
  means (»das heißt«, »das bedeutet«, »das sind«), gives a rough size (»ungefähr«, »etwa«,
  »fast«, »knapp«, »mehr als«, »weniger als«) or compares (»viele«, »Hälfte«, »Drittel« …).
Sentences end at `.!?…` before a space and at a colon ending a line. A full stop after an
abbreviation, a single letter (`z. B.`) or a number of one or two digits (`29. Oktober`)
ends one only at a line end. Headings, list items and table rows are sentences of their own.
A long sentence is reported at the line where it starts, everything else at its own line.
`2 Mio. Euro` gets two findings: the abbreviation and the unexplained number.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pyphen

MAX_WORDS = 15
LONG_WORD = 13
#: How many words of a sentence or bracket a finding quotes.
QUOTED_WORDS = 6

#: Abbreviation → what to write instead (the easy word where the long form is hard too).
ABBREVIATIONS = {
    "z. B.": "zum Beispiel", "d. h.": "das heißt", "u. a.": "unter anderem", "v. a.": "vor allem",
    "z. T.": "zum Teil", "u. U.": "unter Umständen", "o. Ä.": "oder Ähnliches",
    "u. Ä.": "und Ähnliches", "i. d. R.": "in der Regel", "s. o.": "siehe oben",
    "s. u.": "siehe unten", "usw.": "und so weiter", "etc.": "und so weiter", "bzw.": "oder",
    "ca.": "ungefähr", "ggf.": "wenn nötig", "evtl.": "vielleicht", "inkl.": "mit",
    "bspw.": "zum Beispiel", "vgl.": "siehe", "Nr.": "Nummer", "Mio.": "Millionen",
    "Mrd.": "Milliarden", "Tsd.": "Tausend", "Dr.": "Doktor", "Prof.": "Professor",
    "Tel.": "Telefon", "Str.": "Straße", "Abs.": "Absatz", "Hrsg.": "Herausgeber",
    "sog.": "so genannt", "mind.": "mindestens", "zzgl.": "und dazu", "bzgl.": "zu", "lt.": "laut",
    "gem.": "nach", "Jh.": "Jahrhundert", "Std.": "Stunden", "Feb.": "Februar", "Aug.": "August",
    "Sept.": "September", "Okt.": "Oktober", "Nov.": "November", "Dez.": "Dezember",
}
#: Proper names and frequent words that are long but no compound, so cannot be divided.
#: Each entry also covers its forms with up to two more letters (international·e, ·en, ·er).
ALLOWED_LONG_WORDS = frozenset({
    "international", "entscheidung", "veranstaltung", "digitalisierung", "verbesserung",
    "schwierigkeit", "wirtschaftlich", "wissenschaftlich", "niederschlesien",
})
EXPLAINED = re.compile(r"\b(?:das heißt|das bedeutet|das sind|ungefähr|etwa|fast|knapp"
                       r"|mehr als|weniger als|viele|wenige|hälfte|drittel|viertel)\b", re.I)

_VOWELS = frozenset("aeiouäöüy")
_SPACE = r"[ \u00a0\u202f]"


def _normal(abbreviation: str) -> str:
    return re.sub(r"\s", "", abbreviation).lower()


_FULL_FORMS = {_normal(short): full for short, full in ABBREVIATIONS.items()}
_STEMS = frozenset(key.rstrip(".").rsplit(".", 1)[-1] for key in _FULL_FORMS)
_ABBREVIATION = re.compile(r"(?<![\w.])(?:{}|[^\W\d_]\.(?:\s?[^\W\d_]\.)+)".format("|".join(
    r"\s?".join(map(re.escape, short.split()))
    for short in sorted(ABBREVIATIONS, key=len, reverse=True))), re.I)
_ACRONYM = re.compile(r"\b[A-ZÄÖÜ]{2,5}(?=s?\b)")
# Not amounts: dates, times, phone numbers and postcodes (leading 0 or +), numbers that name
# something (Nr. 12, § 5), years after »Jahr«.
_NOT_AMOUNT = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2,4})?|\d{1,2}:\d{2}"
                         r"|(?<![\d.,])(?<!\d[ \u00a0\u202f])[+0]\d[\d /-]*\d"
                         rf"|(?:Nr\.|Nummer|§|\bJahr(?:e|es|en)?){_SPACE}?\d+")
_AMOUNT = re.compile(
    rf"(?P<percent>(?:\d[\d.,]*{_SPACE}?)?(?:%|\bProzent\b))"
    rf"|(?:\d[\d.,]*{_SPACE})?(?:\b(?:Millionen|Million|Milliarden|Milliarde)\b|\bM(?:io|rd)\.)"
    rf"|(?<![\w.,])(?P<number>\d{{1,3}}(?:[.\u00a0\u202f ]\d{{3}})+|\d+)(?:,\d+)?(?!\w|[.,]\d)")
_WORD = re.compile(r"\w+(?:[-·.,/’']\w+)*")
_COMPOUND = re.compile(r"-?\w+(?:[-·]\w+)*-?")
_LINKING_S = re.compile(r"[^aeiouäöüs]s$")
_LINKING = re.compile(r"(?:[^aeiouäöüs]s|e[ns])$")
_FEMININE = re.compile(r"(?<=\w{6})in(?:nen)?$")
_PREFIXES = ("ver", "ent", "zer", "emp", "miss")
_END = re.compile(r"[.!?…]+[«»\"“”‘’']*(?=\s|$)|:(?=[ \t]*(?:\n|$))")
_WORD_BEFORE = re.compile(r"(?<!\w)\w+\Z")

# Markdown: the syntax around content, blanked so that columns and lines stay where they are.
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BREAK = re.compile(r" {0,3}(?:\[[^\]^][^\]]*\]:\s|([-*_=])(?:\s*\1){2,}\s*$)")
_OWN_LINE = re.compile(r" {0,3}(?:#{1,6}(?=\s|$)|\|)")
_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?=\s)|\s{0,3}\[\^[^\]]+\]:")
_QUOTE_MARK = re.compile(r" {0,3}>")
_INLINE = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|(?P<open>\[)(?!\^)(?P<text>[^\]]*)(?P<tail>\]\([^)]*\)|\]\[[^\]]*\])"
    r"|`[^`]*`|<[^>]*>|\[\^[^\]]+\]:?|&#?\w+;|(?:https?://|www\.)[^\s<>()]*[^\s<>().,;:!?»«\"']"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\*+|~~|(?<!\w)_+|_+(?!\w)")


@dataclass(frozen=True)
class Finding:
    line: int  # line number in the content file (1-based)
    message: str  # German, says what is wrong and how to fix it


class _Block(NamedTuple):
    """Lines a sentence may run across (joined by newlines), with Markdown syntax blanked."""

    text: str
    numbers: tuple[int, ...]

    def line_of(self, position: int) -> int:
        return self.numbers[self.text.count("\n", 0, position)]


def lint(body: str, first_line: int = 1) -> list[Finding]:
    """The machine-checkable rules of Leichte Sprache, for a Markdown body whose first line
    is line `first_line` of its file."""
    sentences = [(block, start, end) for block in _blocks(body, first_line)
                 for start, end in _sentences(block.text)]
    found, acronyms = [], set()
    for (block, start, end), following in zip(sentences, [*sentences[1:], None], strict=True):
        after = following[0].text[following[1]:following[2]] if following else ""
        for rule, position, message in _check(block.text[start:end], after, acronyms):
            found.append((block.line_of(start + position), rule, start + position, message))
    return [Finding(line, message) for line, _, _, message in sorted(found)]


def _blocks(body: str, first_line: int) -> Iterator[_Block]:
    """Paragraphs, list items and footnotes; a heading or table row alone. Code blocks,
    comments and the syntax around the words are left out."""
    body = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), body)
    groups: list[list[tuple[int, str]]] = [[]]
    fence, in_item = "", False
    for number, line in enumerate(body.splitlines(), start=first_line):
        if fence or _FENCE.match(line):
            closes = fence and line.lstrip().startswith(fence)
            fence = "" if closes else fence or _FENCE.match(line)[1]
            groups.append([])
            continue
        if not groups[-1] and not in_item and line.startswith(("    ", "\t")):
            continue  # an indented code block
        line = _blank_prefix(_QUOTE_MARK, line)
        own, item = _OWN_LINE.match(line), _ITEM.match(line)
        prose = bool(line.strip()) and not _BREAK.match(line)
        if not prose or own or item or (in_item and not line[:1].isspace()):
            groups.append([])
            in_item = bool(item)
        if prose:
            line = line.replace("|", " ") if own and own[0].endswith("|") else line
            groups[-1].append((number, _mask(_blank_prefix(_OWN_LINE, _blank_prefix(_ITEM, line)))))
        if own:
            groups.append([])
    return (_Block("\n".join(text for _, text in group), tuple(number for number, _ in group))
            for group in groups if group)


def _blank_prefix(pattern: re.Pattern[str], line: str) -> str:
    match = pattern.match(line)
    return " " * match.end() + line[match.end():] if match else line


def _mask(line: str) -> str:
    def blank(match: re.Match[str]) -> str:
        if match["open"]:
            return " " + _mask(match["text"]) + " " * len(match["tail"])
        return " " * len(match[0])
    return _INLINE.sub(blank, line)


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    ends = [match.end() for match in _END.finditer(text) if not _continues(text, match)]
    for start, end in zip([0, *ends], [*ends, len(text)], strict=True):
        if re.search(r"\w", text[start:end]):
            yield start + len(text[start:end]) - len(text[start:end].lstrip()), end


def _continues(text: str, end: re.Match[str]) -> bool:
    """Whether a full stop belongs to an abbreviation or an ordinal, not to a sentence end."""
    if end[0] != "." or end.end() == len(text) or text[end.end()] == "\n":
        return False
    word = _WORD_BEFORE.search(text, 0, end.start())
    return bool(word) and (len(word[0]) == 1 or word[0].lower() in _STEMS
                           or (word[0].isdigit() and len(word[0]) <= 2))


def _check(text: str, after: str, acronyms: set[str]) -> list[tuple[int, int, str]]:
    taken = [match.span() for match in _ABBREVIATION.finditer(text)]
    return [*((1, 0, message) for message in _length(text)),
            *((2, *found) for found in _abbreviations(text, acronyms)),
            *((3, *found) for found in _amounts(text, after)),
            *((4, *found) for found in _long_words(text, taken)),
            *((5, *found) for found in _punctuation(text))]


def _quote(text: str) -> str:
    words = text.split()
    return " ".join(words[:QUOTED_WORDS]) + (" …" if len(words) > QUOTED_WORDS else "")


def _length(text: str) -> list[str]:
    count = len(_WORD.findall(text))
    if count <= MAX_WORDS:
        return []
    return [f"Satz mit {count} Wörtern (höchstens {MAX_WORDS}): »{_quote(text)}« – "
            "teilen Sie ihn in kürzere Sätze"]


def _abbreviations(text: str, acronyms: set[str]) -> Iterator[tuple[int, str]]:
    for match in _ABBREVIATION.finditer(text):
        full = _FULL_FORMS.get(_normal(match[0]))
        if full and match[0][0].isupper():
            full = full[0].upper() + full[1:]
        hint = f" (»{full}«)" if full else ""
        yield match.start(), f"Abkürzung »{_quote(match[0])}«: schreiben Sie das Wort aus{hint}"
    for match in _ACRONYM.finditer(text):
        if match[0] not in acronyms:
            acronyms.add(match[0])
            yield match.start(), (f"Abkürzung »{match[0]}«: erklären Sie beim ersten Vorkommen "
                                  "in einem eigenen Satz, wofür sie steht")


def _amounts(text: str, after: str) -> Iterator[tuple[int, str]]:
    if EXPLAINED.search(text) or EXPLAINED.search(after):
        return
    masked = _NOT_AMOUNT.sub(lambda m: " " * len(m[0]), text)
    for match in _AMOUNT.finditer(masked):
        if match["number"] and not _large(match["number"]):
            continue
        kind = "Prozentzahl" if match["percent"] else "Große Zahl"
        yield match.start(), (f"{kind} »{_quote(match[0])}«: erklären Sie die Zahl im selben "
                              "oder im nächsten Satz, zum Beispiel mit »Das bedeutet: …«")


def _large(number: str) -> bool:
    value = int(re.sub(r"\D", "", number))
    return value >= 1000 and not (number.isdigit() and len(number) == 4
                                  and 1900 <= value <= 2100)


def _long_words(text: str, taken: list[tuple[int, int]]) -> Iterator[tuple[int, str]]:
    for match in _COMPOUND.finditer(text):
        word = match[0]
        if (len(_FEMININE.sub("", word)) <= LONG_WORD or not word.isalpha() or word.isupper()
                or _allowed(_FEMININE.sub("", word))
                or any(start < match.end() and match.start() < end for start, end in taken)):
            continue
        parts = _divide(word)
        example = f" (zum Beispiel »{'·'.join(parts)}«)" if len(parts) > 1 else ""
        yield match.start(), (f"Langes Wort »{word}«: gliedern Sie es mit Bindestrich "
                              f"oder Mediopunkt{example}")


def _punctuation(text: str) -> Iterator[tuple[int, str]]:
    for match in re.finditer(r"[(\[][^)\]]*[)\]]?|;", text):
        if match[0] == ";":
            before = text[:match.start()].split()[-1:] or [";"]
            yield match.start(), f"Semikolon nach »{before[0]}«: machen Sie daraus zwei Sätze"
        else:
            yield match.start(), (f"Klammer »{_quote(match[0])}«: schreiben Sie den Inhalt "
                                  "als eigenen Satz")


def _allowed(word: str) -> bool:
    lower = word.lower()
    return any(lower.startswith(stem) and len(lower) - len(stem) <= 2
               for stem in ALLOWED_LONG_WORDS)


def _divide(word: str) -> list[str]:
    """A guess at the parts of a compound: Pyphen's syllable breaks, preferring breaks near
    the middle that look like a joint (a vowel after a consonant, a linking »s« or »en«,
    two consonants), until every part is short."""
    if len(word) <= LONG_WORD:
        return [word]
    lower = word.lower()
    breaks = [int(b) for b in _hyphenator().positions(word) if _plausible(lower[:b], lower[b:])]
    if not breaks:
        return [word]
    best = min(breaks, key=lambda b: _joint_score(lower[:b], lower[b:]))
    return [*_divide(word[:best]), *_divide(word[best:])]


def _plausible(left: str, right: str) -> bool:
    return (len(left) >= 3 and not left.endswith(_PREFIXES)
            and not right.startswith(("heit", "keit"))
            and (len(right) >= 4 or (len(right) == 3 and right[0] in _VOWELS))
            and (left[-1] != right[0] or bool(_LINKING_S.search(left))))


def _joint_score(left: str, right: str) -> float:
    score = abs(len(left) - len(right)) / 2
    if left[-1] not in _VOWELS:
        score -= 4 if right[0] in _VOWELS else 2.5
    return score - 3 if _LINKING.search(left) else score


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    from .hyphenation import load_dictionary

    load_dictionary("de_DE")  # from the pickle cache: parsing the patterns costs ~0.45 s
    return pyphen.Pyphen(lang="de_DE")
