from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import login

TRANSLATIONS = Path(__file__).resolve().parent.parent / "netcompanion" / "translations"


def test_locale_follows_the_browser(client):
    german = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in german.get_data(as_text=True)
    assert "Anmelden" in german.get_data(as_text=True)
    spanish = client.get("/login", headers={"Accept-Language": "es-MX"})
    assert "Iniciar sesión" in spanish.get_data(as_text=True)


def test_unsupported_languages_fall_back_to_english(client):
    page = client.get("/login", headers={"Accept-Language": "ja-JP"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page


def test_switcher_overrides_the_browser_and_returns_to_the_page(client):
    response = client.submit("/locale?next=/signup", {"locale": "es"})
    assert response.headers["Location"] == "/signup"
    page = client.get("/signup", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="es">' in page


def test_switcher_ignores_unknown_locales_and_foreign_redirects(client):
    response = client.submit("/locale?next=https://evil.example/", {"locale": "xx"})
    assert response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_form_errors_are_translated(client, make_company):
    owner = make_company()
    client.submit("/locale", {"locale": "de"})
    response = client.submit("/login", {"email": owner.email, "password": "wrong password"})
    assert "E-Mail-Adresse oder Passwort ist nicht korrekt." in response.get_data(as_text=True)


def test_signed_in_pages_are_translated(client, make_company):
    login(client, make_company())
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Veranstaltungen" in page


def test_catalogs_translate_every_message_with_the_same_placeholders():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    for locale in ("de", "es"):
        with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), f"{locale}: untranslated {message.id!r}"
            assert "fuzzy" not in message.flags, f"{locale}: fuzzy {message.id!r}"
            for string in strings:  # every plural form carries the plural's placeholders
                assert sorted(placeholder.findall(ids[-1])) == sorted(
                    placeholder.findall(string)
                ), f"{locale}: placeholders differ in {message.id!r}"


def test_catalogs_cover_every_message_in_the_code():
    """A string added to a page without `make messages` would silently stay English."""
    from babel.messages.extract import extract_from_dir

    root = TRANSLATIONS.parent.parent
    method_map = [
        ("netcompanion/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    options = {
        "**.html": {"extensions": "jinja2.ext.do"},
        "**.txt": {"extensions": "jinja2.ext.do"},
    }
    in_code = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(root),
            method_map,
            options,
            keywords={
                "_": None,
                "_l": None,
                "gettext": None,
                "lazy_gettext": None,
                "ngettext": (1, 2),
            },
        )
    }
    for locale in ("de", "es"):
        with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f)
        missing = sorted(m for m in in_code if m not in catalog)
        assert not missing, f"{locale} lacks {missing}; run `make messages` and translate"
