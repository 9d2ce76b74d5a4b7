import pytest

from jianguan.core.api_params import ID_MAX, path_id
from jianguan.core.errors import NotFound


def test_ascii_digits_in_range_are_ids():
    assert path_id("42", "项目") == 42
    assert path_id(str(ID_MAX), "项目") == ID_MAX


@pytest.mark.parametrize("raw", ["", "0", "-1", "٤٢", "²", "1e3", " 1", str(ID_MAX + 1), "9" * 25])
def test_anything_else_is_a_chinese_not_found(raw):
    with pytest.raises(NotFound) as info:
        path_id(raw, "整改通知单")
    assert info.value.message == "整改通知单不存在"
