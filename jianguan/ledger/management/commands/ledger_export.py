"""Write the offline verification bundle (format: jianguan-ledger-bundle/1).

With ``--as USERNAME`` (a third-party auditor's bundle, format jianguan-ledger-bundle/2)
an entry that user may not read (the object's rule, ledger.view_all and every embargo, as
the API decides) is exported as ``{"index", "leaf_hash", "withheld": true}`` only: the
verifier still recomputes every signed root from the leaf hashes.

The bundle is a consistent snapshot: the entries ``0 .. tree_size-1`` of one signed head
and every head up to it, so entries appended while the export runs (or after the last
signature) never make a valid log look broken. Unless ``--no-sign`` is given, the current
tree is signed first (a no-op when the latest head already covers it), so the bundle
normally holds every entry; without a signing key the latest existing head is used.
"""

import base64
import json

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from jianguan.core.timeutil import iso_utc
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, SigningKey, TreeHead
from jianguan.ledger.services import latest_head, tree_head_sign
from jianguan.ledger.verify import BUNDLE_FORMAT
from jianguan.ledger.verify.common import BUNDLE_FORMAT_2
from jianguan.ledger.visibility import ordinary_rule_allows, withheld_q

CHUNK = 5000


class Command(BaseCommand):
    help = "导出存证日志核验包（记录、签名树头、公钥），供 python -m jianguan.ledger.verify --bundle 离线核验"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--no-sign",
            action="store_true",
            help="不签发新树头，只导出最新已签树头覆盖的记录",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="按该用户的查看权限导出（第三方审计）：无权查看的记录只导出叶哈希",
        )

    def handle(self, *args, file, no_sign=False, as_user=None, **opts):
        reader = _Reader(as_user) if as_user else None
        head = None
        if not no_sign:
            try:
                head = tree_head_sign()
            except ImproperlyConfigured as exc:
                self.stderr.write(f"未签发新树头（{exc}）；按最新已签树头导出")
        if head is None:
            head = latest_head()
        if head is None:
            self.stderr.write("尚无签名树头：核验包中没有记录，核验将不会通过")
        limit = head.tree_size if head else 0
        heads = (
            [h.as_dict() for h in TreeHead.objects.filter(id__lte=head.id).order_by("id")]
            if head
            else []
        )
        state = LedgerState.objects.filter(pk=1).first()
        alg = head.hash_alg if head else (state.hash_alg if state else "sm3")
        count = withheld = 0
        with open(file, "w", encoding="utf-8") as out:
            header = {"format": BUNDLE_FORMAT, "hash_alg": alg}
            if reader is not None:
                header = {"format": BUNDLE_FORMAT_2, "hash_alg": alg, "exported_for": as_user}
            out.write(json.dumps(header)[:-1])
            out.write(', "entries": [')
            last = -1
            while last + 1 < limit:
                batch = list(
                    LedgerEntry.objects.filter(index__gt=last, index__lt=limit)
                    .order_by("index")
                    .values_list("index", "leaf_input")[:CHUNK]
                )
                if not batch:
                    break
                readable = reader.readable(batch[0][0], batch[-1][0]) if reader else None
                # Level-0 node keys are the leaf indices: one range query per chunk.
                leaf_hashes = dict(
                    LedgerNode.objects.filter(
                        key__gte=batch[0][0], key__lte=batch[-1][0]
                    ).values_list("key", "hash")
                )
                for index, leaf_input in batch:
                    stored = leaf_hashes.get(index)
                    if readable is not None and index not in readable:
                        item = {
                            "index": index,
                            "leaf_hash": bytes(stored).hex() if stored is not None else "",
                            "withheld": True,
                        }
                        withheld += 1
                        out.write(("" if count == 0 else ",") + "\n" + json.dumps(item))
                        count += 1
                        continue
                    item = {
                        "index": index,
                        "leaf_input": base64.b64encode(bytes(leaf_input)).decode("ascii"),
                        "leaf_hash": bytes(stored).hex() if stored is not None else "",
                    }
                    out.write(("" if count == 0 else ",") + "\n" + json.dumps(item))
                    count += 1
                last = batch[-1][0]
            out.write("\n]")
            out.write(', "heads": ' + json.dumps(heads))
            keys_out = [
                {
                    "key_id": k.key_id,
                    "sig_alg": k.sig_alg,
                    "public_key": k.public_key,
                    "valid_from": iso_utc(k.valid_from),
                    "valid_to": iso_utc(k.valid_to) if k.valid_to else None,
                }
                for k in SigningKey.objects.order_by("valid_from")
            ]
            out.write(', "keys": ' + json.dumps(keys_out) + "}\n")
        note = f"（其中 {withheld} 条对 {as_user} 不可见，仅导出叶哈希）" if reader else ""
        self.stdout.write(f"已导出 {count} 条记录{note}、{len(heads)} 个签名树头到 {file}")


class _Reader:
    """What one user may read, decided per chunk: the embargoes in one query, the objects'
    rules once per object (none at all for holders of ledger.view_all)."""

    def __init__(self, username: str):
        from django.contrib.auth import get_user_model

        from jianguan.core.actor import actor_for_user

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        self.actor = actor_for_user(user)
        if not self.actor.is_authenticated:
            raise CommandError(f"用户 {username} 已停用")
        self.view_all = self.actor.can("ledger.view_all")
        self.embargoed = withheld_q(self.actor)
        self.seen: dict[tuple[str, str, str], bool] = {}

    def readable(self, first: int, last: int) -> set[int]:
        rows = LedgerEntry.objects.filter(index__gte=first, index__lte=last)
        if self.embargoed is not None:
            rows = rows.exclude(self.embargoed)
        out = set()
        for index, app, model, oid in rows.values_list(
            "index", "object_app", "object_model", "object_id"
        ):
            if self.view_all:
                out.add(index)
                continue
            key = (app, model, oid)
            if key not in self.seen:
                self.seen[key] = ordinary_rule_allows(self.actor, app, model, oid)
            if self.seen[key]:
                out.add(index)
        return out
