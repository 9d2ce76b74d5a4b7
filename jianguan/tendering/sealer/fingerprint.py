"""The authoring-machine fingerprint stored in the plaintext manifest.

Why: bids from different bidders prepared on the same computer are a recognised sign of
collusion (串标, 《招标投标法实施条例》第四十条). Identifiers are stored as SM3 hashes so the
platform can compare them between bids without publishing host or user names; they are
hashes, not secrets (a MAC address has too little entropy to hide).
"""

from __future__ import annotations

import getpass
import platform
import socket
import uuid
from typing import Any

from cryptography.hazmat.primitives import hashes

SEALER_VERSION = "jianguan-sealer-py/1.0"


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (containers, services)
        return ""


def collect() -> dict[str, Any]:
    node = uuid.getnode()
    return {
        "kind": "python",
        "hostname_sm3": sm3_hex(socket.gethostname().encode("utf-8")),
        "platform": platform.platform(),
        "mac_sm3": sm3_hex(f"{node:012x}".encode("ascii")),
        # uuid.getnode() falls back to a random number with the multicast bit set when it
        # finds no interface; such a value identifies nothing and must not be compared.
        "mac_random": bool(node & (1 << 40)),
        "user_sm3": sm3_hex(_user().encode("utf-8")),
        "sealer_version": SEALER_VERSION,
    }
