"""HJ 212 frames (site dust/noise monitors): CRC, parse, build, acknowledge.

Pure Python, no Django: scripts outside the project feed it real device traffic, so the
interface of :func:`parse` is fixed (see ``/work/shared/HJ212.md`` for the protocol and
``jianguan.smartsite.hj212_stream`` for cutting a TCP byte stream into frames).

Frame (HJ 212-2017 §6.3; 2005 and 2025 share the shape)::

    ## LLLL <data segment> CCCC \\r\\n
    data segment = QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;]CP=&&<data area>&&

``parse(frame) -> dict`` answers, always with these keys:

==========  ===================================================================
``qn``      request id (str, ``YYYYMMDDhhmmsszzz``; epoch ms seen) or ``None``
``st``      system code (str) or ``None``
``cn``      command code (str) or ``None``
``pw``      password (str) or ``None``
``mn``      device id (str) or ``None``
``flag``    ``Flag`` as int 0–255, or ``None`` when absent or not a number
``pnum``    total packets (int) or ``None``; ``pno`` this packet's number
``crc_ok``  ``True`` when the CRC verifies with one of the accepted variants
``cp``      the data area: ``DataTime`` and every ``Key=Value``; numbers as ``Decimal``,
            times, flags, passwords and serial numbers as ``str``
``extra``   header keys outside the standard (``USCC``, ``IMEI``…), values as ``str``
==========  ===================================================================

A CRC mismatch is *reported* (``crc_ok: False``), never raised: the caller keeps the raw
frame and does not acknowledge it (2017 §6.4: a command with a bad CRC ends; the device
resends). A frame that cannot be read at all raises :class:`FrameError` with a stable
``code``: ``not_a_frame`` (no ``##``), ``bad_length_field`` (``LLLL`` not four digits),
``truncated`` (shorter than its parts, or the data area never closes), ``bad_crc_field``
(no hex CRC after the segment), ``length_mismatch`` (only with ``strict=True``; by default a
declared length that disagrees with the segment is tolerated, because wrong length fields
occur in real traffic and the CRC, not the length, says whether the content is intact).
"""

from __future__ import annotations

import array
import re
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal

__all__ = [
    "CRC_VARIANTS",
    "MAX_SEND_SEGMENT",
    "FrameError",
    "ack_frame",
    "build_frame",
    "crc_hj212",
    "crc_modbus",
    "crc_text",
    "edition",
    "flag_for",
    "length_ok",
    "needs_ack",
    "parse",
    "is_split",
]

#: Never *send* a data segment longer than this (2017 §6.3.2); longer ones are accepted.
MAX_SEND_SEGMENT = 1024

#: Header keys of the standard, as spelled by the 2017 text; matched case-insensitively.
_HEADER_KEYS = {"QN": "qn", "ST": "st", "CN": "cn", "PW": "pw", "MN": "mn"}
_INT_HEADER_KEYS = {"FLAG": "flag", "PNUM": "pnum", "PNO": "pno"}

#: CP keys whose values look numeric but are identifiers or times: kept as text so that
#: leading zeros (``NewPW=012345``) and timestamps survive.
_TEXT_KEYS = frozenset(
    {"DataTime", "BeginTime", "EndTime", "SystemTime", "QN", "NewPW", "PolId", "InfoId", "CN"}
)
_TEXT_SUFFIXES = ("-SampleTime", "-Flag", "-EFlag", "-SN", "-Info")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_HEX = re.compile(r"[0-9A-Fa-f]{1,4}")


class FrameError(ValueError):
    """The text is not an HJ 212 frame that can be read at all; ``code`` says why."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


# --- CRC (Appendix A of the 2005 and 2017 editions) -------------------------------------


def _bitwise(value: int) -> int:
    """Eight rounds of shift-right-and-XOR-0xA001, the inner loop of both CRCs."""
    for _ in range(8):
        carry = value & 1
        value >>= 1
        if carry:
            value ^= 0xA001
    return value


#: The inner loop for every byte value. In the HJ 212 algorithm the register entering the loop
#: is ``(reg >> 8) ^ byte``, always below 256, so the whole step is one lookup; MODBUS uses the
#: same table the usual way. (Appendix A's bit loop is ``_bitwise``; the tests compare both.)
_TABLE = tuple(_bitwise(i) for i in range(256))


#: Between bytes only the register's high byte matters (``reg >> 8``), so the state is 8 bits:
#: ``_HIGH[h ^ byte]`` is the next one, and ``_PAIR`` takes two bytes in one lookup, indexed
#: by the two bytes as a little-endian 16-bit word XOR the state (which touches the first).
_HIGH = bytes(value >> 8 for value in _TABLE)
_PAIR = bytes(_HIGH[_HIGH[i & 0xFF] ^ (i >> 8)] for i in range(65536))
_LITTLE = sys.byteorder == "little"


def crc_hj212(data: bytes) -> int:
    """HJ 212 CRC: the register is shifted right by 8 *before* the XOR with each byte.

    This is not CRC-16/MODBUS (which XORs into the low byte): ``b"123456789"`` gives 0x2F80
    here and 0x4B37 with MODBUS.
    """
    size = len(data)
    if not size:
        return 0xFFFF
    # All bytes but the last move the 8-bit state, two at a time (the listener checks every
    # frame and signs every answer: a third of its event loop was this loop a byte at a time).
    state, body = 0xFF, size - 1
    even = body & ~1
    try:
        words = memoryview(data)[:even].cast("H")
    except TypeError:  # not a bytes-like object (a list of ints): a byte at a time
        reg = 0xFFFF
        for byte in data:
            reg = _TABLE[(reg >> 8) ^ byte]
        return reg
    if not _LITTLE:
        words = array.array("H", words)
        words.byteswap()
    pair = _PAIR
    for word in words:
        state = pair[word ^ state]
    if body & 1:
        state = _HIGH[state ^ data[body - 1]]
    return _TABLE[state ^ data[body]]


def crc_modbus(data: bytes) -> int:
    """CRC-16/MODBUS, which some firmware emits instead (HJ212.md §3)."""
    reg = 0xFFFF
    table = _TABLE
    for byte in data:
        reg = (reg >> 8) ^ table[(reg ^ byte) & 0xFF]
    return reg


def _swap(value: int) -> int:
    return ((value & 0xFF) << 8) | (value >> 8)


#: Accepted CRC variants by name: ``hj212`` (the standard), ``modbus`` (MODBUS printed high
#: byte first), ``modbus_le`` (MODBUS in wire order, low byte first). Per device setting.
CRC_VARIANTS = {
    "hj212": crc_hj212,
    "modbus": crc_modbus,
    "modbus_le": lambda data: _swap(crc_modbus(data)),
}


def _encode(text: str) -> bytes:
    # surrogateescape: bytes that were not UTF-8 (a GBK vendor string) come back unchanged,
    # so the CRC is computed over what the device sent.
    return text.encode("utf-8", "surrogateescape")


def crc_text(segment: str) -> str:
    """The CRC field for a data segment: 4 uppercase hex digits, zero-padded."""
    return f"{crc_hj212(_encode(segment)):04X}"


def _crc_matches(segment: str, field: str, variants: Iterable[str]) -> bool:
    value = int(field, 16)
    data = _encode(segment)
    return any(CRC_VARIANTS[name](data) == value for name in variants)


# --- Flag (2017 §6.3.3 table 4; edition bits per caoyiliang/HJ212, unverified for 2025) ---


def needs_ack(flag: int | None) -> bool:
    """Bit A (bit 0): the receiver must answer (9014 for an upload)."""
    return flag is not None and bool(flag & 1)


def is_split(flag: int | None) -> bool:
    """Bit D (bit 1): the frame is one packet of several (PNUM/PNO present)."""
    return flag is not None and bool(flag & 2)


def edition(flag: int | None) -> int:
    """The edition the Flag declares: 2005 (bits 2–7 = 0 or no Flag), 2017 (1), 2025 (2+)."""
    if flag is None:
        return 2005
    version = flag >> 2
    if version == 0:
        return 2005
    if version == 1:
        return 2017
    return 2025


def flag_for(edition_year: int, *, ack: bool = False, split: bool = False) -> int:
    """The Flag a sender of ``edition_year`` writes."""
    version = {2005: 0, 2017: 1, 2025: 2}[edition_year]
    return (version << 2) | (2 if split else 0) | (1 if ack else 0)


# --- parse ------------------------------------------------------------------------------


def _value(key: str, text: str) -> Decimal | str:
    if key in _TEXT_KEYS or key.endswith(_TEXT_SUFFIXES):
        return text
    if _NUMBER.fullmatch(text):
        return Decimal(text)
    return text


def _parse_cp(area: str) -> dict[str, Decimal | str]:
    cp: dict[str, Decimal | str] = {}
    for group in area.split(";"):
        for item in group.split(","):
            item = item.strip()
            if not item:
                continue  # trailing ';' before '&&', doubled separators
            key, sep, value = item.partition("=")
            key = key.strip()
            if not sep or not key:
                continue  # a bare word: nothing to map (the raw frame keeps it)
            cp[key] = _value(key, value.strip())
    return cp


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def length_ok(frame: str) -> bool:
    """Whether ``LLLL`` equals the data segment's length in UTF-8 bytes or in characters."""
    text = _strip(frame)
    _body, segment, _field = _split(text)
    declared = int(text[2:6])
    return declared in (len(_encode(segment)), len(segment))


def _strip(frame: str) -> str:
    text = frame.strip()
    if not text.startswith("##"):
        raise FrameError("报文不以 ## 开头", code="not_a_frame")
    return text


def _split(text: str) -> tuple[str, str, str]:
    """(body after LLLL, data segment, CRC field) of a stripped frame."""
    if len(text) < 6:
        raise FrameError("报文不完整：缺少长度字段", code="truncated")
    if not text[2:6].isdigit() or not text[2:6].isascii():
        raise FrameError("长度字段不是 4 位数字", code="bad_length_field")
    body = text[6:]
    opening = body.find("CP=&&")
    if opening >= 0:
        closing = body.rfind("&&")
        if closing < opening + 5:
            raise FrameError("数据区未以 && 结束（报文被截断）", code="truncated")
        segment, field = body[: closing + 2], body[closing + 2 :].strip()
    else:
        # Login frames carry no CP: the segment is all but the last four characters.
        if len(body) < 5:
            raise FrameError("报文不完整：缺少数据段或校验码", code="truncated")
        segment, field = body[:-4], body[-4:]
    if not _HEX.fullmatch(field):
        code = "truncated" if not field else "bad_crc_field"
        raise FrameError(f"校验码字段无效：{field[:16]!r}", code=code)
    return body, segment, field


def parse(frame: str, *, crc_variants: Iterable[str] = ("hj212",), strict: bool = False) -> dict:
    """Read one frame (with or without its trailing CR LF). See the module docstring."""
    text = _strip(frame)
    _body, segment, field = _split(text)
    variants = tuple(crc_variants)
    unknown = [name for name in variants if name not in CRC_VARIANTS]
    if unknown:
        raise ValueError(f"unknown CRC variants {unknown}")
    if strict:
        declared = int(text[2:6])
        if declared not in (len(_encode(segment)), len(segment)):
            raise FrameError(
                f"长度字段 {declared} 与数据段长度 {len(_encode(segment))} 不符",
                code="length_mismatch",
            )
    result: dict = {
        "qn": None,
        "st": None,
        "cn": None,
        "pw": None,
        "mn": None,
        "flag": None,
        "pnum": None,
        "pno": None,
        "crc_ok": _crc_matches(segment, field, variants),
        "cp": {},
        "extra": {},
    }
    opening = segment.find("CP=&&")
    header = segment if opening < 0 else segment[:opening]
    if opening >= 0:
        result["cp"] = _parse_cp(segment[opening + 5 : -2])
    for item in header.split(";"):
        item = item.strip()
        if not item:
            continue
        key, _sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        upper = key.upper()
        if upper in _HEADER_KEYS and result[_HEADER_KEYS[upper]] is None:
            result[_HEADER_KEYS[upper]] = value
        elif upper in _INT_HEADER_KEYS and result[_INT_HEADER_KEYS[upper]] is None:
            number = _int_or_none(value)
            if number is None or (upper == "FLAG" and number > 255):
                result["extra"][key] = value  # unreadable: keep it where it can be seen
            else:
                result[_INT_HEADER_KEYS[upper]] = number
        else:
            result["extra"][key] = value
    return result


# --- build ------------------------------------------------------------------------------


def _format(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def _cp_text(cp: Mapping[str, object] | Iterable[Mapping[str, object]] | str | None) -> str:
    """``cp`` as text: a mapping (one item per group) or a list of mappings (one per group)."""
    if cp is None:
        return ""
    if isinstance(cp, str):
        return cp
    if isinstance(cp, Mapping):
        return ";".join(f"{k}={_format(v)}" for k, v in cp.items())
    return ";".join(",".join(f"{k}={_format(v)}" for k, v in group.items()) for group in cp)


def build_frame(
    *,
    st: str,
    cn: str,
    pw: str,
    mn: str,
    qn: str | None = None,
    flag: int | None = None,
    pnum: int | None = None,
    pno: int | None = None,
    cp: Mapping[str, object] | Iterable[Mapping[str, object]] | str | None = None,
    extra: Mapping[str, str] | None = None,
    max_segment: int = MAX_SEND_SEGMENT,
) -> str:
    """A whole frame, CR LF included, with the header in the standard's order.

    Raises ``ValueError`` when the segment would exceed ``max_segment`` (split instead).
    """
    items = [] if qn is None else [f"QN={qn}"]
    items += [f"ST={st}", f"CN={cn}", f"PW={pw}", f"MN={mn}"]
    if flag is not None:
        items.append(f"Flag={flag}")
    if pnum is not None:
        items.append(f"PNUM={pnum}")
    if pno is not None:
        items.append(f"PNO={pno}")
    items += [f"{k}={v}" for k, v in (extra or {}).items()]
    segment = ";".join(items) + f";CP=&&{_cp_text(cp)}&&"
    size = len(_encode(segment))
    if size > max_segment:
        raise ValueError(f"data segment of {size} bytes exceeds {max_segment}")
    return f"##{size:04d}{segment}{crc_text(segment)}\r\n"


def ack_frame(parsed: Mapping) -> str:
    """The 9014 data answer to an upload that asked for one (HJ212.md §5).

    Same QN, PW and MN; ST=91; Flag = the upload's edition bits with A and D cleared;
    ``CP=&&&&``. A 2005 device (no Flag or edition bits 0) gets the QN inside CP instead.
    """
    flag = parsed.get("flag")
    qn = parsed.get("qn")
    common = {"st": "91", "cn": "9014", "pw": parsed.get("pw") or "", "mn": parsed.get("mn") or ""}
    if edition(flag) == 2005:
        old_flag = flag & ~3 if flag is not None else None
        return build_frame(**common, flag=old_flag, cp={"QN": qn} if qn else None)
    return build_frame(**common, qn=qn, flag=flag & ~3, cp=None)
