"""The interface in the six UN languages: catalogues are current, complete, compile, keep their placeholders, follow
CLDR's plural rules, and the pages really render translated (Arabic right to left)."""

from __future__ import annotations

import gettext
import importlib.util
import io
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.mofile import write_mo

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("litterhub_i18n_script", REPO / "scripts" / "i18n.py")
i18n_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n_script)

LANGUAGES = i18n_script.LANGUAGES
MIN_TRANSLATED = 0.95

# CLDR plural categories used by integers, in gettext msgstr[] order (CLDR's canonical order).
CLDR_INTEGER_CATEGORIES = {
    "fr": ["one", "other"],  # CLDR "many" (1 000 000, …) shares the "other" form in gettext
    "es": ["one", "other"],
    "ar": ["zero", "one", "two", "few", "many", "other"],
    "ru": ["one", "few", "many"],  # "other" is for fractions only
    "zh": ["other"],
}


@pytest.fixture(scope="session")
def pot():
    return i18n_script.load(i18n_script.POT)


@pytest.fixture(scope="session")
def catalogues():
    return {lang: i18n_script.load(i18n_script.po_path(lang), lang) for lang in LANGUAGES}


@pytest.fixture(scope="session")
def compiled_catalogues():
    """The .mo files the app reads: compiled by the build step (make assets) or, when missing, here."""
    from litterhub.web import i18n as web_i18n

    if not all(i18n_script.mo_path(lang).exists() for lang in LANGUAGES):
        problems = i18n_script.compile_catalogs()
        assert not problems, problems
    web_i18n.translations.cache_clear()  # a page rendered before the .mo existed cached a NullTranslations
    yield
    web_i18n.translations.cache_clear()


def test_pot_is_current(pot):
    """Every msgid in the templates and the Python code is in the committed .pot, and nothing else is."""
    current = i18n_script.extract_catalog()
    missing = i18n_script.msgids(current) - i18n_script.msgids(pot)
    removed = i18n_script.msgids(pot) - i18n_script.msgids(current)
    assert not missing, f"messages.pot is stale, run `python scripts/i18n.py`; new msgids: {sorted(map(str, missing))}"
    assert not removed, f"messages.pot is stale, run `python scripts/i18n.py`; gone: {sorted(map(str, removed))}"


def test_extraction_sees_templates(pot):
    """The mapping in babel.cfg really reaches the templates (guards against an empty .pot passing the check)."""
    ids = {m.id for m in pot if m.id}
    assert {"Datasets", "Language", "Not found"} <= ids
    assert len(ids) > 100


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_matches_pot(lang, pot, catalogues):
    assert i18n_script.msgids(catalogues[lang]) == i18n_script.msgids(pot), (
        f"{lang}/messages.po is not up to date with messages.pot: run `python scripts/i18n.py update`")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_translated(lang, catalogues):
    catalogue = catalogues[lang]
    total = len(i18n_script.msgids(catalogue))
    done = i18n_script.translated_count(catalogue)
    assert total and done / total >= MIN_TRANSLATED, f"{lang}: only {done}/{total} msgids translated (not fuzzy)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_preserved(lang, catalogues):
    problems = i18n_script.placeholder_problems(catalogues[lang], lang)
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_a_dropped_placeholder():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="fr")
    catalogue.add("%(n)s records", "fiches")
    catalogue.add("page %(p)s of %(n)s", "page %(n)s sur %(p)s")  # order may change
    catalogue.add("bar: 25 %%", "barre : 25 %")  # a lone % breaks newstyle gettext's % formatting
    problems = i18n_script.placeholder_problems(catalogue, "fr")
    assert len(problems) == 2 and "records" in problems[0] and "bar" in problems[1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_compiles(lang, catalogues):
    catalogue = catalogues[lang]
    errors = [(m.id, errs) for m, errs in catalogue.check() if errs]
    assert not errors
    buf = io.BytesIO()
    write_mo(buf, catalogue)
    buf.seek(0)
    translations = gettext.GNUTranslations(buf)
    assert translations.info()["language"] == lang
    assert translations.gettext("Datasets") != "Datasets"


@pytest.mark.parametrize(("lang", "nplurals"), [("ar", 6), ("ru", 3), ("zh", 1), ("fr", 2), ("es", 2)])
def test_plural_forms_follow_cldr(lang, nplurals, catalogues):
    """nplurals is CLDR's number of integer categories, and the plural expression picks for every n the msgstr of
    the category CLDR gives n (Arabic: 0 zero, 1 one, 2 two, 3-10 few, 11-99 many, 100-102 other)."""
    catalogue = catalogues[lang]
    assert catalogue.num_plurals == nplurals
    order = CLDR_INTEGER_CATEGORIES[lang]
    assert len(order) == nplurals
    choose = gettext.c2py(catalogue.plural_expr)
    locale = Locale.parse(lang)
    for n in range(0, 1200):
        category = locale.plural_form(n)
        category = category if category in order else "other"
        assert choose(n) == order.index(category), f"{lang}: n={n} is CLDR {category!r}, gettext form {choose(n)}"


@pytest.fixture()
def web(client, compiled_catalogues):
    """The shared demo client, without the `lang` cookie that ?lang= sets (other tests expect English pages)."""
    client.cookies.delete("lang")
    yield client
    client.cookies.delete("lang")


NAV_DATASETS = {"fr": "Jeux de données", "es": "Conjuntos de datos", "ar": "مجموعات البيانات",
                "ru": "Наборы данных", "zh": "数据集"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_renders_translated(lang, web, catalogues):
    response = web.get(f"/?lang={lang}")
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}"' in html
    assert f'<a href="/datasets">{NAV_DATASETS[lang]}</a>' in html
    assert catalogues[lang].get("Language").string in html
    assert response.headers["content-language"] == lang
    assert ('dir="rtl"' in html) == (lang == "ar")


def test_arabic_is_right_to_left(web):
    html = web.get("/datasets?lang=ar").text
    assert '<html lang="ar" dir="rtl">' in html
    assert "مجموعات البيانات" in html


def test_english_is_the_source_language(web):
    html = web.get("/?lang=en").text
    assert '<html lang="en" dir="ltr">' in html
    assert '<a href="/datasets">Datasets</a>' in html


def test_accept_language_and_cookie_pick_the_catalogue(web):
    response = web.get("/datasets", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert response.headers["content-language"] == "ru"
    assert "Наборы данных" in response.text
    web.get("/datasets?lang=zh")  # sets the cookie, which then beats Accept-Language
    response = web.get("/datasets", headers={"Accept-Language": "ru"})
    assert response.headers["content-language"] == "zh"
    assert "数据集" in response.text


def test_check_passes_on_committed_catalogues():
    """What CI runs: `python scripts/i18n.py --check` (stale .pot, stale .po, completeness, placeholders)."""
    assert i18n_script.check(max_missing=100 * (1 - MIN_TRANSLATED)) == 0
