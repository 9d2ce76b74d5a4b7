"""Recompute every stored hash from the entries and check every signed head."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from jianguan.ledger import merkle, signing
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, SigningKey, TreeHead

CHUNK = 5000


class Command(BaseCommand):
    help = "审计存证日志：由记录重算全部哈希并核对签名树头，发现第一处不符即以非零状态退出"

    def handle(self, *args, **opts):
        started = time.perf_counter()
        state = LedgerState.objects.filter(pk=1).first()
        alg = state.hash_alg if state else "sm3"
        size = state.tree_size if state else 0
        heads = list(TreeHead.objects.order_by("tree_size", "id"))
        keys = {k.key_id: k for k in SigningKey.objects.all()}
        for head in heads:
            key = keys.get(head.key_id)
            head_dict = {k: getattr(head, k) for k in signing.HEAD_FIELDS}
            if key is None or not signing.verify_head(
                key.public_key, head.sig_alg, head_dict, head.signature
            ):
                raise CommandError(f"树头签名无效：tree_size={head.tree_size} (id {head.id})")
        heads_by_size: dict[int, list[TreeHead]] = {}
        for head in heads:
            heads_by_size.setdefault(head.tree_size, []).append(head)
        for head in heads_by_size.get(0, []):
            if head.root_hash != merkle.empty_root(alg).hex():
                raise CommandError("空树树头的根哈希不符")

        frontier: dict[tuple[int, int], bytes] = {}
        expected = 0
        last = -1
        while True:
            batch = list(LedgerEntry.objects.filter(index__gt=last).order_by("index")[:CHUNK])
            if not batch:
                break
            computed: dict[int, bytes] = {}
            for entry in batch:
                if entry.index != expected:
                    raise CommandError(f"第一处不符：序号 {expected} 缺失（出现 {entry.index}）")
                data = bytes(entry.leaf_input)
                self._check_columns(entry, data)
                leaf = merkle.leaf_hash(data, alg)
                nodes = merkle.append_nodes(entry.index, leaf, frontier, alg)
                for lv, ix, h in nodes:
                    frontier[(lv, ix)] = h
                    computed[LedgerNode.make_key(lv, ix)] = h
                # Keep only the right edge: O(log n) memory however long the log is.
                keep = set(merkle.perfect_subtrees(0, entry.index + 1))
                for node in [n for n in frontier if n not in keep]:
                    del frontier[node]
                expected += 1
                for head in heads_by_size.get(expected, []):
                    root = merkle.root_hash(expected, frontier, alg).hex()
                    if root != head.root_hash:
                        raise CommandError(
                            f"第一处不符：树头 tree_size={expected} 的根哈希与重算结果不符"
                        )
            stored = dict(
                LedgerNode.objects.filter(key__in=list(computed)).values_list("key", "hash")
            )
            for entry in batch:
                key = LedgerNode.make_key(0, entry.index)
                if key not in stored or bytes(stored[key]) != computed[key]:
                    raise CommandError(f"第一处不符：序号 {entry.index} 的叶哈希与记录内容不符")
            for key, h in computed.items():
                if key not in stored or bytes(stored[key]) != h:
                    lv, ix = key >> 56, key & ((1 << 56) - 1)
                    raise CommandError(
                        f"第一处不符：序号 {ix << lv} 起的子树节点（层 {lv}）哈希不符"
                    )
            last = batch[-1].index
        if expected != size:
            raise CommandError(f"记录数 {expected} 与日志状态 {size} 不符")
        for head_size in heads_by_size:
            if head_size > size:
                raise CommandError(f"树头 tree_size={head_size} 超出日志长度 {size}")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            json.dumps({"status": "ok", "entries": size, "heads": len(heads), "seconds": elapsed})
        )

    def _check_columns(self, entry: LedgerEntry, data: bytes) -> None:
        try:
            doc = json.loads(data)
            obj = doc["object"]
            ok = (
                doc["type"] == entry.type
                and obj["app"] == entry.object_app
                and obj["model"] == entry.object_model
                and obj["id"] == entry.object_id
                and (doc["actor"]["user"] or "") == entry.actor_user
            )
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            raise CommandError(f"第一处不符：序号 {entry.index} 的索引列与记录内容不符")
