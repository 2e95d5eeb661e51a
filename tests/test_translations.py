"""The Vietnamese catalogue is complete and its compiled file is up to date."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _unquote(line: str) -> str:
    return (
        line[line.index('"') + 1 : line.rindex('"')]
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


def parse_po(path: Path) -> list[dict]:
    """Read the entries of a .po file: context, id, plural id, strings, flags."""
    entries, entry, key = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += _unquote(line)
        else:
            key = line.split(" ", 1)[0]
            entry[key] = _unquote(line)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = [e for e in parse_po(LOCALE / "django.po") if e["msgid"]]
    assert len(entries) > 300
    untranslated = [
        e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert untranslated == []
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []


def test_translations_keep_every_placeholder():
    for entry in parse_po(LOCALE / "django.po"):
        source = set(
            PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", ""))
        )
        target = set(
            PLACEHOLDER.findall(entry.get("msgstr") or entry.get("msgstr[0]", ""))
        )
        assert source == target, entry["msgid"]


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in parse_po(LOCALE / "django.po"):
        if not entry["msgid"] or entry.get("msgid_plural"):
            continue
        key = entry["msgid"]
        if "msgctxt" in entry:
            assert compiled.pgettext(entry["msgctxt"], key) == entry["msgstr"], key
        else:
            assert compiled.gettext(key) == entry["msgstr"], key
