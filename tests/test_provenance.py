"""Reading figures the way the coverage writes them, and checking currency pairs."""

import pytest

from datastory.provenance import amounts_in, currency_pairs, quote_states


@pytest.mark.parametrize("quote,value,unit", [
    ("allocate US$8.5bil (RM36.12bil) for", 8.5, "billion"),
    ("would allocate $8.5 billion for young", 8.5, "billion"),
    ("a fund of 8.5bn", 8.5, "billion"),
    ("nearly US$100bil (RM424.99bil) on", 424.99, "billion"),
    ("raised almost 700 billion yuan ($96 billion)", 700, "billion"),
    ("a total of 60.06 billion yuan to drive", 60.06, "billion"),
    ("fell by 45 per cent in June", 45, "percent"),
    ("fell 45% in June", 45, "percent"),
    ("spent nearly $100 billion on a fund", 100, "billion"),
    ("registered capital of CNY344 billion", 344, "billion"),
    ("注册资本高达3440亿元", 344, "billion"),
    ("bitcoin added about 1% to $117,890", 117890, "one"),
    ("cover even 10 or 15% of our costs", 10, "percent"),
    ("in the range of $64-72 billion", 64, "billion"),
    ("a 1-billion-yuan voucher program", 1, "billion"),
    ("At least 132 446 growers", 132446, "one"),
])
def test_quote_states_the_forms_the_coverage_uses(quote, value, unit):
    assert quote_states(quote, value, unit)


@pytest.mark.parametrize("quote,value,unit", [
    ("allocate US$8.5bil for", 85, "billion"),
    ("fell by 45 per cent", 45, "billion"),
    ("a fund of 8.5bn", 8.5, "million"),
    ("prices fell 45%", 54, "percent"),
])
def test_quote_that_lacks_the_value_is_caught(quote, value, unit):
    assert not quote_states(quote, value, unit)


def test_currency_pairs_are_read_with_both_currencies():
    text = "raised almost 700 billion yuan ($96 billion), and a further 600 billion yuan ($8.5 billion) to"
    pairs = list(currency_pairs(text))
    assert [(p.first.currency, p.second.currency) for p in pairs] == [("CNY", "USD"), ("CNY", "USD")]
    assert pairs[1].first.value == 600e9 and pairs[1].second.value == 8.5e9


def test_symbols_and_suffixes_give_currencies():
    found = {a.currency for a in amounts_in("US$1bil, RM2bil, 3 billion yuan, €4bn, ¥5, HK$6")}
    assert found == {"USD", "MYR", "CNY", "EUR", "HKD"}
