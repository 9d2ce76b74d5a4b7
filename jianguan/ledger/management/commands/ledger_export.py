"""Write the offline verification bundle (format: jianguan-ledger-bundle/1)."""

import base64
import json

from django.core.management.base import BaseCommand

from jianguan.core.timeutil import iso_utc
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, SigningKey, TreeHead

CHUNK = 5000


class Command(BaseCommand):
    help = "导出存证日志核验包（记录、签名树头、公钥），供 python -m jianguan.ledger.verify --bundle 离线核验"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **opts):
        state = LedgerState.objects.filter(pk=1).first()
        alg = state.hash_alg if state else "sm3"
        with open(file, "w", encoding="utf-8") as out:
            out.write(json.dumps({"format": "jianguan-ledger-bundle/1", "hash_alg": alg})[:-1])
            out.write(', "entries": [')
            first = True
            count = 0
            last = -1
            while True:
                batch = list(
                    LedgerEntry.objects.filter(index__gt=last)
                    .order_by("index")
                    .values_list("index", "leaf_input")[:CHUNK]
                )
                if not batch:
                    break
                keys = [LedgerNode.make_key(0, i) for i, _ in batch]
                leaf_hashes = dict(
                    LedgerNode.objects.filter(key__in=keys).values_list("index", "hash")
                )
                for index, leaf_input in batch:
                    stored = leaf_hashes.get(index)
                    item = {
                        "index": index,
                        "leaf_input": base64.b64encode(bytes(leaf_input)).decode("ascii"),
                        "leaf_hash": bytes(stored).hex() if stored is not None else "",
                    }
                    out.write(("" if first else ",") + "\n" + json.dumps(item))
                    first = False
                    count += 1
                last = batch[-1][0]
            out.write("\n]")
            heads = [h.as_dict() for h in TreeHead.objects.order_by("id")]
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
