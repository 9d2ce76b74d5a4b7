"""Command line: ``python -m jianguan.tendering.sealer {keygen,seal,unwrap,open,inspect}``.

Exit codes: 0 success, 1 a SealError (message in Chinese on stderr), 2 usage errors.
Passphrases come from environment variables, never from argv (argv is visible in `ps`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import (
    SealError,
    generate_keypair,
    key_fingerprint,
    open_package,
    package_sm3,
    seal,
    unwrap_data_key,
    verify_package_structure,
)
from .stream import CIPHERS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _usage(message: str) -> SystemExit:
    print(f"用法错误：{message}", file=sys.stderr)
    return SystemExit(2)


def _passphrase(var: str | None) -> bytes | None:
    if var is None:
        return None
    value = os.environ.get(var)
    if not value:
        raise _usage(f"环境变量 {var} 未设置或为空")
    return value.encode("utf-8")


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _usage(f"无法读取{what} {path}：{exc.strerror}") from None


def cmd_keygen(args: argparse.Namespace) -> None:
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    private_pem, public_pem = generate_keypair(_passphrase(args.passphrase_env))
    private_path, public_path = out / "bid-private.pem", out / "bid-public.pem"
    if private_path.exists() and not args.force:
        raise _usage(f"{private_path} 已存在（用 --force 覆盖）")
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_pem)
    public_path.write_bytes(public_pem)
    print(json.dumps({"private_key": str(private_path), "public_key": str(public_path),
                      "fingerprint": key_fingerprint(public_pem)}, ensure_ascii=False))  # fmt: skip


def cmd_seal(args: argparse.Namespace) -> None:
    try:
        summary = json.loads(_read(args.summary, "开标一览表").decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _usage(f"开标一览表 {args.summary} 不是有效的 JSON：{exc}") from None
    manifest = seal(
        files=[Path(f) for f in args.files],
        summary=summary,
        recipient_public_pem=_read(args.recipient_key, "公钥"),
        out=Path(args.out),
        cipher=args.cipher,
        chunk_size=args.chunk_size,
    )
    print(json.dumps({"package": args.out, "package_sm3": package_sm3(args.out),
                      "files": len(manifest.files), "cipher": manifest.cipher},
                     ensure_ascii=False))  # fmt: skip


def cmd_unwrap(args: argparse.Namespace) -> None:
    key = unwrap_data_key(
        package=Path(args.package),
        private_pem=_read(args.key, "私钥"),
        passphrase=_passphrase(args.passphrase_env),
    )
    print(key.hex())


def cmd_open(args: argparse.Namespace) -> None:
    try:
        data_key = bytes.fromhex(args.data_key)
    except ValueError:
        raise _usage("--data-key 应为十六进制字符串") from None
    opened = open_package(package=Path(args.package), data_key=data_key, out_dir=Path(args.out_dir))
    print(json.dumps({"summary": opened.summary,
                      "files": [{"name": f.name, "size": f.size, "sm3": f.sm3, "path": str(f.path)}
                                for f in opened.files]}, ensure_ascii=False, indent=2))  # fmt: skip


def cmd_inspect(args: argparse.Namespace) -> None:
    manifest = verify_package_structure(Path(args.package))
    print(json.dumps({"package_sm3": package_sm3(args.package), "manifest": manifest.to_dict()},
                     ensure_ascii=False, indent=2))  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m jianguan.tendering.sealer", description="电子投标文件加密封装工具"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("keygen", help="生成投标人 ECDH P-256 密钥对")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--passphrase-env", help="保存私钥口令的环境变量名")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_keygen)
    p = sub.add_parser("seal", help="加密封装投标文件")
    p.add_argument("--recipient-key", required=True, help="接收方公钥（SPKI PEM）")
    p.add_argument("--summary", required=True, help="开标一览表 JSON 文件")
    p.add_argument("--out", required=True)
    p.add_argument("--cipher", default="AES-256-GCM", choices=sorted(CIPHERS))
    p.add_argument("--chunk-size", type=int, default=1 << 20)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_seal)
    p = sub.add_parser("unwrap", help="用私钥解出数据密钥（开标时提交给平台）")
    p.add_argument("--key", required=True)
    p.add_argument("--package", required=True)
    p.add_argument("--passphrase-env")
    p.set_defaults(func=cmd_unwrap)
    p = sub.add_parser("open", help="用数据密钥解密并校验投标文件")
    p.add_argument("--package", required=True)
    p.add_argument("--data-key", required=True)
    p.add_argument("--out-dir", required=True)
    p.set_defaults(func=cmd_open)
    p = sub.add_parser("inspect", help="校验封装结构并显示清单与整包 SM3")
    p.add_argument("package")
    p.set_defaults(func=cmd_inspect)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except SealError as exc:
        print(f"错误（{exc.code}）：{exc.message}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"用法错误：找不到文件 {exc.filename}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
