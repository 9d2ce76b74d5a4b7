"""Errors of the bid sealer: one base class, a stable machine `code`, a Chinese `message`.

Callers (the platform's opening ceremony, the CLI, bidders' tools) branch on `code`, never on
the message text, so codes are part of the public interface and must not change.
"""

from __future__ import annotations


class SealError(Exception):
    code = "seal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InvalidInputError(SealError):
    """The caller handed the sealer something it must not seal (bad summary, duplicate names)."""

    code = "invalid_input"


class WrongKeyError(SealError):
    code = "wrong_key"


class TamperedError(SealError):
    """A GCM tag did not verify: ciphertext edited, chunks reordered or swapped between files."""

    code = "tampered"


class TruncatedError(TamperedError):
    code = "truncated"


class HashMismatchError(SealError):
    code = "hash_mismatch"


class MalformedPackageError(SealError):
    code = "malformed_package"


class UnsupportedError(SealError):
    """Cipher or format version this sealer does not know (a newer tool made the package)."""

    code = "unsupported"
