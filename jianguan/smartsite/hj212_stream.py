"""Cutting a TCP byte stream into HJ 212 frames, and putting split uploads back together.

Pure Python, no Django. One ``recv`` is not one frame (HJ212.md §8): a read may hold half a
frame, two frames, or garbage between them, and a few devices write a wrong length field.
:class:`Deframer` keeps a per-connection buffer and frames by length, checked by CRC:

1. skip to ``##`` (whatever came before is discarded and reported);
2. need ``##LLLL``; ``LLLL`` not four digits → drop one byte and resync;
3. the frame ends at ``6 + LLLL + 4`` bytes (CR LF should follow; tolerated without);
4. if that cut fails the CRC and a CR LF appears elsewhere, the declared length is wrong:
   cut at the CR LF instead (the CRC then decides whether the content is intact);
5. a buffer that grows past ``max_buffer`` without a frame is dropped up to the next ``##``.

Frames come out as ``str`` decoded with ``surrogateescape`` so that re-encoding gives back
the exact bytes (and the CRC) of non-UTF-8 vendor text. Everything discarded is kept in
:attr:`Deframer.discarded` for the raw audit trail (every rejection keeps the raw bytes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from jianguan.smartsite.hj212 import CRC_VARIANTS

__all__ = ["Deframer", "Reassembler"]

_CRLF = b"\r\n"


def _crc_ok(frame: bytes) -> bool:
    """Whether ``##LLLL<segment><CRC>`` verifies with any known CRC variant."""
    body = frame[6:]
    if len(body) < 5:
        return False
    segment, field_ = body[:-4], body[-4:]
    try:
        value = int(field_, 16)
    except ValueError:
        return False
    return any(fn(segment) == value for fn in CRC_VARIANTS.values())


@dataclass
class Deframer:
    """Per-connection buffer: ``feed(bytes) -> list[str]`` complete frames (CR LF removed)."""

    #: Longest data segment accepted (the standard says 1024; 1623 has been seen).
    max_segment: int = 4096
    #: Longest buffer kept while waiting for the end of a frame.
    max_buffer: int = 16384
    buffer: bytearray = field(default_factory=bytearray)
    #: (bytes, reason) of everything dropped since the last :meth:`take_discarded`.
    discarded: list[tuple[bytes, str]] = field(default_factory=list)

    def feed(self, data: bytes) -> list[str]:
        self.buffer += data
        frames: list[str] = []
        while True:
            frame = self._next()
            if frame is None:
                break
            frames.append(frame.decode("utf-8", "surrogateescape"))
        return frames

    def take_discarded(self) -> list[tuple[bytes, str]]:
        items, self.discarded = self.discarded, []
        return items

    def _drop(self, count: int, reason: str) -> None:
        chunk = bytes(self.buffer[:count])
        del self.buffer[:count]
        if chunk.strip():  # stray CR LF / spaces between frames are not worth a record
            self.discarded.append((chunk, reason))

    def _next(self) -> bytes | None:
        buf = self.buffer
        while True:
            start = buf.find(b"##")
            if start < 0:
                # Keep a trailing '#': it may be the first half of the next '##'.
                keep = 1 if buf.endswith(b"#") else 0
                self._drop(len(buf) - keep, "no_header")
                return None
            if start:
                self._drop(start, "garbage")
            if len(buf) < 6:
                return None
            digits = bytes(buf[2:6])
            if not digits.isdigit() or int(digits) > self.max_segment:
                # One byte, not the two of "##": in "###0373…" the frame starts at the second.
                self._drop(1, "bad_length_field")
                continue
            total = 6 + int(digits) + 4
            crlf = buf.find(_CRLF, 6)
            nxt = buf.find(b"##", 6)
            if crlf >= 0 and 0 <= nxt < crlf:
                crlf = -1  # a CR LF beyond the next frame's start is not this frame's
            if crlf == total:
                # The length and the CR LF agree: both cuts below are this one, whatever the
                # CRC says (the parser reports it), so it is not computed here as well.
                return self._take(total)
            if len(buf) >= total and _crc_ok(bytes(buf[:total])):
                return self._take(total)
            if crlf >= 0:
                # Length-framed cut absent or failing: the CR LF marks the real end.
                return self._take(crlf)
            if 0 <= nxt < total:
                # A new frame starts before this one could end: this one was cut short.
                self._drop(nxt, "truncated")
                continue
            if len(buf) >= total:
                # No CR LF at all: hand the length-framed cut over; the parser reports its CRC.
                return self._take(total)
            if len(buf) > self.max_buffer:
                self._drop(1, "overflow")
                continue
            return None

    def _take(self, end: int) -> bytes:
        frame = bytes(self.buffer[:end])
        del self.buffer[:end]
        if self.buffer.startswith(_CRLF):
            del self.buffer[:2]
        return frame


@dataclass
class Reassembler:
    """Split uploads (Flag bit D): parts keyed by (MN, CN, DataTime, PNUM), 1-based PNO.

    ``add(parsed)`` returns the merged CP once every part is in, else ``None``; parts older
    than ``timeout`` seconds are forgotten by :meth:`expire` (returned for the audit trail).
    """

    timeout: float = 60.0
    clock: object = time.monotonic
    parts: dict[tuple, dict[int, dict]] = field(default_factory=dict)
    started: dict[tuple, float] = field(default_factory=dict)

    def add(self, parsed: dict) -> dict | None:
        pnum, pno = parsed.get("pnum"), parsed.get("pno")
        if not pnum or not pno or pno > pnum:
            return dict(parsed.get("cp") or {})  # not really split (Flag=7 without PNUM)
        key = (parsed.get("mn"), parsed.get("cn"), (parsed.get("cp") or {}).get("DataTime"), pnum)
        self.started.setdefault(key, self.clock())
        got = self.parts.setdefault(key, {})
        got[pno] = dict(parsed.get("cp") or {})
        if len(got) < pnum:
            return None
        merged: dict = {}
        for number in sorted(got):
            merged.update(got[number])
        del self.parts[key], self.started[key]
        return merged

    def expire(self) -> list[tuple]:
        now = self.clock()
        old = [key for key, since in self.started.items() if now - since > self.timeout]
        for key in old:
            del self.parts[key], self.started[key]
        return old
