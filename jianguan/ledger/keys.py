"""Tree-head signing keys: private halves live in files outside the database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from jianguan.core import private_files
from jianguan.core.timeutil import now
from jianguan.ledger import signing
from jianguan.ledger.models import SigningKey


def key_path() -> Path:
    return Path(settings.LEDGER_SIGNING_KEY)


def _write_private(path: Path, pem: bytes) -> None:
    """Owner-only (0600) from the first byte; a key folder the platform creates is 0700."""
    private_files.write_private(path, pem)


def ensure_key(sig_alg: str | None = None) -> tuple[Path, bool]:
    """Create a signing key file when none exists (first start of `make run`)."""
    path = key_path()
    if path.exists():
        return path, False
    _write_private(path, signing.generate_private_key_pem(sig_alg or settings.LEDGER_SIG_ALG))
    return path, True


def load_private() -> signing.PrivateKey:
    path = key_path()
    if not path.exists():
        raise ImproperlyConfigured(
            f"找不到存证签名私钥 {path}；请运行 manage.py ledger_keygen 或设置 LEDGER_SIGNING_KEY"
        )
    return signing.load_private_key(path.read_bytes())


@transaction.atomic
def register_public(private: signing.PrivateKey) -> SigningKey:
    public_pem = signing.public_key_pem(private)
    kid = signing.key_id(public_pem)
    existing = SigningKey.objects.filter(key_id=kid).first()
    if existing:
        return existing
    stamp = now()
    SigningKey.objects.filter(valid_to__isnull=True).update(valid_to=stamp)
    return SigningKey.objects.create(
        key_id=kid,
        sig_alg=signing.sig_alg_of(private.public_key()),
        public_key=public_pem,
        valid_from=stamp,
    )


def rotate(sig_alg: str | None = None) -> SigningKey:
    """Replace the private key; the old public half stays (closed) so old heads verify."""
    path = key_path()
    if path.exists():
        old = signing.load_private_key(path.read_bytes())
        register_public(old)
        archive = private_files.private_dir(path.parent / "retired")
        kid = signing.key_id(signing.public_key_pem(old))
        path.replace(archive / f"{kid}.pem")
    _write_private(path, signing.generate_private_key_pem(sig_alg or settings.LEDGER_SIG_ALG))
    return register_public(load_private())
