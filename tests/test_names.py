import pytest

from netcompanion.names import split_name


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("", "", ""),
        ("   ", "", ""),
        ("Madonna", "", "Madonna"),
        ("  Björk\t", "", "Björk"),
        ("김민준", "", "김민준"),
        ("😀", "", "😀"),
        ("김 민준", "민준", "김"),
        ("山田  太郎", "太郎", "山田"),
        ("ヤマダ タロウ", "タロウ", "ヤマダ"),
        ("José María", "José", "María"),
        ("María Fernández de la Vega", "María", "Fernández de la Vega"),
        ("محمد بن سلمان", "محمد", "بن سلمان"),
        ("Anna\u00a0Schmidt", "Anna", "Schmidt"),
    ],
)
def test_names_split_as_importers_and_vcard_n_expect(name, given, family):
    assert split_name(name) == (given, family)
