"""Write the offline verification bundle (format: jianguan-ledger-bundle/1).

The bundle is a consistent snapshot: the entries ``0 .. tree_size-1`` of one signed head
and every head up to it, so entries appended while the export runs (or after the last
signature) never make a valid log look broken. Unless ``--no-sign`` is given, the current
tree is signed first (a no-op when the latest head already covers it), so the bundle
normally holds every entry; without a signing key the latest existing head is used.
"""

import base64
import json

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand

from jianguan.core.timeutil import iso_utc
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, SigningKey, TreeHead
from jianguan.ledger.services import latest_head, tree_head_sign
from jianguan.ledger.verify import BUNDLE_FORMAT

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

    def handle(self, *args, file, no_sign=False, **opts):
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
        count = 0
        with open(file, "w", encoding="utf-8") as out:
            out.write(json.dumps({"format": BUNDLE_FORMAT, "hash_alg": alg})[:-1])
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
                # Level-0 node keys are the leaf indices: one range query per chunk.
                leaf_hashes = dict(
                    LedgerNode.objects.filter(
                        key__gte=batch[0][0], key__lte=batch[-1][0]
                    ).values_list("key", "hash")
                )
                for index, leaf_input in batch:
                    stored = leaf_hashes.get(index)
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
        self.stdout.write(f"已导出 {count} 条记录、{len(heads)} 个签名树头到 {file}")
