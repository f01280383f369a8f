"""Interface translations: extract -> update -> compile, and a CI check.

    python scripts/i18n.py                  # extract, update and compile (what a developer runs)
    python scripts/i18n.py extract          # templates + Python -> src/litterhub/web/locale/messages.pot
    python scripts/i18n.py update           # merge the .pot into fr, es, ar, ru, zh messages.po
    python scripts/i18n.py compile          # messages.po -> messages.mo (build step; .mo files are not committed)
    python scripts/i18n.py --check          # CI: exit 1 if the .pot or a .po is stale, or a catalogue is incomplete

English is the source language, so it has no catalogue. Every step is idempotent: a file is rewritten only when
its messages change (the creation and revision dates alone never cause a rewrite), so running the script twice
leaves git clean.

`--check` fails when
  * the committed messages.pot does not hold exactly the msgids found in the templates and the Python code;
  * a messages.po does not hold exactly the msgids of the .pot (run `update`);
  * more than --max-missing per cent (default 5) of a catalogue's msgids are untranslated or fuzzy;
  * a translation drops or adds a placeholder (%(name)s, %%, {name}) or does not compile.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "babel.cfg"
LOCALE_DIR = ROOT / "src" / "litterhub" / "web" / "locale"
POT = LOCALE_DIR / "messages.pot"
LANGUAGES = ["fr", "es", "ar", "ru", "zh"]  # the UN languages besides English, the source language
MAX_MISSING_PERCENT = 5.0

# gettext plural rules written so that msgstr[i] follows CLDR's category order (zero, one, two, few, many, other).
# Babel's built-in Arabic rule swaps "many" (n % 100 in 11..99) and "other" (100, 101, 102, ...), so it is pinned.
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "zh": "nplurals=1; plural=0;",
}
LANGUAGE_TEAMS = {
    "fr": "French", "es": "Spanish", "ar": "Arabic", "ru": "Russian", "zh": "Chinese (Simplified)",
}

# Directories never searched for strings (extraction starts at the repository root, like babel.cfg's paths).
IGNORE_DIRS = ".* __pycache__ node_modules build dist litterhub-data"
KEYWORDS = ["lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2"]
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[#0 +-]?\d*(?:\.\d+)?[sdifeEgGrx]"  # %(name)s
    r"|%%|%[sdif]"  # a literal per cent sign (newstyle gettext always %-formats) and positional placeholders
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}"  # {name}
)
_DATE_HEADER = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo"


def _key(message) -> tuple:
    return (message.id, message.context) if isinstance(message.id, str) else (tuple(message.id), message.context)


def msgids(catalog: Catalog) -> set[tuple]:
    """The catalogue's messages as (msgid or (singular, plural), context), header excluded."""
    return {_key(m) for m in catalog if m.id}


def _serialise(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, ignore_obsolete=True, include_previous=False)
    return buf.getvalue()


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write unless only the date headers differ; return True when the file changed."""
    if path.exists() and _DATE_HEADER.sub(b"", path.read_bytes()) == _DATE_HEADER.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def extract_catalog() -> Catalog:
    """Run Babel's extractor over the templates and the package's Python code, into memory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "messages.pot"
        argv = ["pybabel", "-q", "extract", "-F", str(MAPPING), "-o", str(out), "--ignore-dirs", IGNORE_DIRS,
                "--project", "litterhub", "--copyright-holder", "litterhub contributors",
                "--add-comments", "Translators:", "--sort-by-file"]
        for kw in KEYWORDS:
            argv += ["-k", kw]
        cwd = os.getcwd()
        os.chdir(ROOT)  # babel.cfg's patterns and the locations in the .pot are relative to the repository root
        try:
            CommandLineInterface().run([*argv, "."])
        finally:
            os.chdir(cwd)
        with out.open("rb") as fh:
            return read_po(fh)


def extract() -> Catalog:
    catalog = extract_catalog()
    changed = _write_if_changed(POT, _serialise(catalog))
    print(f"{POT.relative_to(ROOT)}: {len(msgids(catalog))} messages{' (updated)' if changed else ' (unchanged)'}")
    return catalog


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def new_catalog(lang: str) -> Catalog:
    catalog = Catalog(locale=lang, project="litterhub", copyright_holder="litterhub contributors",
                      language_team=f"{LANGUAGE_TEAMS[lang]} <LL@li.org>", fuzzy=False)
    _pin_plural_forms(catalog, lang)
    return catalog


def _pin_plural_forms(catalog: Catalog, lang: str) -> None:
    nplurals, plural = re.match(r"nplurals=(\d+); plural=(.*);$", PLURAL_FORMS[lang]).groups()
    catalog._num_plurals = int(nplurals)  # Babel has no public setter; read_po sets the same attributes
    catalog._plural_expr = plural


def update(template: Catalog | None = None) -> None:
    template = template if template is not None else load(POT)
    for lang in LANGUAGES:
        path = po_path(lang)
        catalog = load(path, lang) if path.exists() else new_catalog(lang)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        _pin_plural_forms(catalog, lang)
        catalog.revision_date = datetime.now(UTC)  # kept only if the messages changed too
        changed = _write_if_changed(path, _serialise(catalog))
        done, total = translated_count(catalog), len(msgids(catalog))
        print(f"{path.relative_to(ROOT)}: {done}/{total} translated{' (updated)' if changed else ''}")


def translated_count(catalog: Catalog) -> int:
    def complete(m) -> bool:
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        return bool(strings) and all(strings) and not m.fuzzy

    return sum(1 for m in catalog if m.id and complete(m))


def compile_catalogs() -> list[str]:
    """Compile every .po into its .mo; returns the problems found (the .mo is written only when there are none)."""
    problems = []
    for lang in LANGUAGES:
        path = po_path(lang)
        if not path.exists():
            problems.append(f"{lang}: {path.relative_to(ROOT)} is missing")
            continue
        catalog = load(path, lang)
        errors = [f"{lang}: {msg.id!r}: {err}" for msg, errs in catalog.check() for err in errs]
        errors += placeholder_problems(catalog, lang)
        if errors:
            problems += errors
            continue
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        target = mo_path(lang)
        if not (target.exists() and target.read_bytes() == buf.getvalue()):
            target.write_bytes(buf.getvalue())
    return problems


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def placeholder_problems(catalog: Catalog, lang: str) -> list[str]:
    """Every translation must carry exactly the placeholders of its msgid. In a plural message the last form (CLDR
    "other") carries those of the plural msgid; other forms may drop some (Russian "одна запись" needs no count)."""
    problems = []
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, (list, tuple)):
            singular, plural = m.id[0], m.id[1]
            allowed = set(placeholders(singular)) | set(placeholders(plural))
            forms = list(m.string)
            for i, text in enumerate(forms):
                if not text:
                    continue
                got = placeholders(text)
                last = i == len(forms) - 1
                if (last and got != placeholders(plural)) or not set(got) <= allowed:
                    problems.append(f"{lang}: {singular!r}: placeholders {sorted(allowed)} in the msgid, "
                                    f"{got} in msgstr[{i}]")
        elif m.string:
            wanted, got = placeholders(m.id), placeholders(m.string)
            if wanted != got:
                problems.append(f"{lang}: {m.id!r}: placeholders {wanted} in the msgid, {got} in the msgstr")
    return problems


def check(max_missing: float) -> int:
    failures: list[str] = []
    committed = load(POT) if POT.exists() else Catalog()
    current = extract_catalog()
    missing, extra = msgids(current) - msgids(committed), msgids(committed) - msgids(current)
    if missing or extra:
        failures.append(f"messages.pot is stale: {len(missing)} new and {len(extra)} removed msgids "
                        f"(run: python scripts/i18n.py); new: {sorted(map(str, missing))[:10]}")
    for lang in LANGUAGES:
        path = po_path(lang)
        if not path.exists():
            failures.append(f"{lang}: {path.relative_to(ROOT)} is missing (run: python scripts/i18n.py update)")
            continue
        catalog = load(path, lang)
        if msgids(catalog) != msgids(committed):
            failures.append(f"{lang}: messages.po does not match messages.pot (run: python scripts/i18n.py update)")
        total = len(msgids(catalog)) or 1
        done = translated_count(catalog)
        share = 100.0 * (total - done) / total
        line = f"{lang}: {done}/{total} translated, {share:.1f} % untranslated or fuzzy"
        print(line)
        if share > max_missing:
            failures.append(f"{line} (more than {max_missing:g} %)")
        if catalog.plural_forms != PLURAL_FORMS[lang].rstrip(";") + ";" and catalog.plural_forms != PLURAL_FORMS[lang]:
            failures.append(f"{lang}: Plural-Forms is {catalog.plural_forms!r}, expected {PLURAL_FORMS[lang]!r}")
        failures += [f"{msg.id!r}: {err}" for msg, errs in catalog.check() for err in errs]
        failures += placeholder_problems(catalog, lang)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", nargs="?", choices=["all", "extract", "update", "compile"], default="all")
    parser.add_argument("--check", action="store_true", help="verify instead of writing; exit 1 on any problem")
    parser.add_argument("--max-missing", type=float, default=MAX_MISSING_PERCENT,
                        help="per cent of untranslated or fuzzy msgids a catalogue may have (default %(default)s)")
    args = parser.parse_args(argv)
    if args.check:
        return check(args.max_missing)
    if args.step in ("all", "extract"):
        template = extract()
    if args.step in ("all", "update"):
        update(template if args.step == "all" else None)
    if args.step in ("all", "compile"):
        problems = compile_catalogs()
        for problem in problems:
            print(f"FAIL {problem}", file=sys.stderr)
        if problems:
            return 1
        print(f"compiled {', '.join(LANGUAGES)} into {LOCALE_DIR.relative_to(ROOT)}/<lang>/LC_MESSAGES/messages.mo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
