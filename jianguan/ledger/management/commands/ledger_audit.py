"""Recompute every stored hash from the entries and check every signed head.

Exits non-zero (CommandError) at the first mismatch, naming the entry index where there
is one. Checked, in order of the log:

* every signed head's signature, under the public key its ``key_id`` names;
* entries are 0, 1, 2, … with no gap, and their index columns (type, object, actor,
  time) say what their ``leaf_input`` says (the columns drive search and visibility);
* each leaf hash ``H(0x00 || leaf_input)`` equals the stored one, then every stored
  perfect-subtree node equals the hash recomputed from the leaves (so an edited entry is
  named by its own index, before any head that covers it);
* every signed head's root equals the root recomputed at its ``tree_size``;
* the sequencer's frontier (``LedgerState``), the next appends build on, equals the
  recomputed right edge, and no stored node lies outside the tree.

Cost: one pass over the entries, in index order, keeping only the right edge of the tree
(O(log n) memory); stored nodes are read by key ranges per level. ``bench/ledger.py``
measures it against bare ``hashlib`` over the same leaves.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from jianguan.ledger import merkle, signing
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, SigningKey, TreeHead

CHUNK = 20_000
LEVEL_SHIFT = 56
ENTRY_FIELDS = (
    "index",
    "leaf_input",
    "type",
    "object_app",
    "object_model",
    "object_id",
    "actor_user",
    "actor_organisation",
    "time",
)


class Mismatch(CommandError):
    pass


def _key_ranges(lo: int, hi: int) -> list[tuple[int, int]]:
    """Keys of the stored nodes that appending leaves lo..hi (inclusive) creates.

    Node (L, j) is completed by leaf (j + 1) * 2^L - 1, so per level the js form one
    contiguous run, i.e. one key range: about log2(n) ranges for a whole chunk.
    """
    ranges = []
    level = 0
    while (1 << level) <= hi + 1:
        first = lo >> level  # = ceil((lo + 1) / 2^L) - 1
        last = ((hi + 1) >> level) - 1
        if first <= last:
            base = level << LEVEL_SHIFT
            ranges.append((base | first, base | last))
        level += 1
    return ranges


def _span(first: int, last: int) -> str:
    return f"序号 {first}" if first == last else f"序号 {first} 至 {last} 之间"


def _same_millisecond(document_time: str, column: dt.datetime | str) -> bool:
    """The entry's "time" (UTC, milliseconds) against its column, as the driver returns it.

    SQLite gives Django's text form (naive UTC), PostgreSQL an aware datetime.
    """
    if isinstance(column, str):
        column = dt.datetime.fromisoformat(column)
    if column.tzinfo is None:
        column = column.replace(tzinfo=dt.UTC)
    column = column.replace(microsecond=column.microsecond // 1000 * 1000)
    return dt.datetime.fromisoformat(document_time) == column


class Command(BaseCommand):
    help = "审计存证日志：由记录重算全部哈希并核对签名树头，发现第一处不符即以非零状态退出"

    def handle(self, *args, **opts):
        started = time.perf_counter()
        state = LedgerState.objects.filter(pk=1).first()
        alg = state.hash_alg if state else "sm3"
        size = state.tree_size if state else 0
        heads = self._checked_heads()
        heads_by_size: dict[int, list[TreeHead]] = {}
        for head in heads:
            heads_by_size.setdefault(head.tree_size, []).append(head)
        for head_size in heads_by_size:
            if head_size > size:
                raise Mismatch(f"树头 tree_size={head_size} 超出日志长度 {size}")
        for head in heads_by_size.get(0, []):
            if head.root_hash != merkle.empty_root(alg).hex():
                raise Mismatch("空树树头（tree_size=0）的根哈希不符")

        h = merkle.hash_function(alg)
        # stack[k] = (level, hash) of the perfect subtrees of [0, expected), largest first.
        stack: list[tuple[int, bytes]] = []
        expected = 0
        last_good_head = 0
        while True:
            batch = self._entries_from(expected)
            if not batch:
                break
            lo, hi = expected, expected + len(batch) - 1
            stored = self._stored_nodes(_key_ranges(lo, hi))
            for row in batch:
                index, data = row[0], bytes(row[1])
                if index != expected:
                    raise Mismatch(f"第一处不符：序号 {expected} 缺失（下一条为 {index}）")
                self._check_columns(row, data)
                node = h(b"\x00" + data)
                got = stored.get(index)  # level 0: key == index
                if got != node:
                    raise Mismatch(f"第一处不符：序号 {index} 的叶哈希与记录内容不符")
                level, j = 0, index
                while j & 1:
                    left = stack.pop()[1]
                    node = h(b"\x01" + left + node)
                    level += 1
                    j >>= 1
                    got = stored.get((level << LEVEL_SHIFT) | j)
                    if got != node:
                        # Every leaf hash matched, so a leaf *and* its stored hash were
                        # rewritten; heads up to last_good_head matched, narrowing the span.
                        first = j << level
                        raise Mismatch(
                            f"第一处不符：序号 {first} 至 {first + (1 << level) - 1} 的子树节点"
                            f"（层 {level}）哈希不符，被改动的记录："
                            + _span(max(first, last_good_head), index)
                        )
                stack.append((level, node))
                expected += 1
                if expected in heads_by_size:
                    root = self._root(stack, h)
                    for head in heads_by_size[expected]:
                        if root.hex() != head.root_hash:
                            raise Mismatch(
                                f"第一处不符：树头 tree_size={expected}（id {head.id}）的根哈希"
                                "与重算结果不符，被改动的记录："
                                + _span(last_good_head, expected - 1)
                            )
                    last_good_head = expected
        if expected != size:
            raise Mismatch(f"第一处不符：记录数 {expected} 与日志状态 {size} 不符")
        self._check_state(state, stack, size)
        node_count = LedgerNode.objects.count()
        if node_count != 2 * size - size.bit_count():
            raise Mismatch(
                f"存储的节点数 {node_count} 与 {size} 条记录应有的 "
                f"{2 * size - size.bit_count()} 个不符"
            )
        root = self._root(stack, h) if stack else merkle.empty_root(alg)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            json.dumps(
                {
                    "status": "ok",
                    "entries": size,
                    "heads": len(heads),
                    "root_hash": root.hex(),
                    "hash_alg": alg,
                    "seconds": round(elapsed, 3),
                }
            )
        )

    @staticmethod
    def _entries_from(start: int) -> list[tuple]:
        """Raw rows: the ORM's per-row datetime conversion alone doubled the audit's time."""
        qn = connection.ops.quote_name
        table = qn(LedgerEntry._meta.db_table)
        cols = ", ".join(qn(LedgerEntry._meta.get_field(f).column) for f in ENTRY_FIELDS)
        index = qn("index")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {cols} FROM {table} WHERE {index} >= %s ORDER BY {index} LIMIT %s",
                [start, CHUNK],
            )
            return cursor.fetchall()

    @staticmethod
    def _stored_nodes(ranges: list[tuple[int, int]]) -> dict[int, bytes]:
        qn = connection.ops.quote_name
        key = qn("key")
        where = " OR ".join(f"{key} BETWEEN %s AND %s" for _ in ranges)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {key}, {qn('hash')} FROM {qn(LedgerNode._meta.db_table)} WHERE {where}",
                [bound for pair in ranges for bound in pair],
            )
            return {k: bytes(h) for k, h in cursor.fetchall()}

    @staticmethod
    def _root(stack: list[tuple[int, bytes]], h) -> bytes:
        acc = stack[-1][1]
        for _, value in reversed(stack[:-1]):
            acc = h(b"\x01" + value + acc)
        return acc

    def _checked_heads(self) -> list[TreeHead]:
        heads = list(TreeHead.objects.order_by("tree_size", "id"))
        keys: dict[str, signing.PublicKey | None] = {}
        for key in SigningKey.objects.all():
            try:
                keys[key.key_id] = signing.load_public_key(key.public_key)
            except ValueError:
                keys[key.key_id] = None
        for head in heads:
            key = keys.get(head.key_id)
            head_dict = {k: getattr(head, k) for k in signing.HEAD_FIELDS}
            if key is None or not signing.verify_head(key, head.sig_alg, head_dict, head.signature):
                raise Mismatch(f"树头签名无效：tree_size={head.tree_size}（id {head.id}）")
        return heads

    @staticmethod
    def _check_state(state: LedgerState | None, stack: list[tuple[int, bytes]], size: int):
        if state is None:
            return
        widths = [1 << level for level, _ in stack]
        starts = [sum(widths[:k]) for k in range(len(widths))]
        computed = {
            f"{level}:{start >> level}": value.hex()
            for (level, value), start in zip(stack, starts, strict=True)
        }
        if state.frontier != computed:
            raise Mismatch(
                f"日志状态的右边界（frontier）与由 {size} 条记录重算的结果不符；"
                "继续追加会产生错误的哈希"
            )

    @staticmethod
    def _check_columns(row: tuple, data: bytes) -> None:
        index, _, type_, app, model, object_id, user, organisation, when = row
        try:
            doc = json.loads(data)
            obj, actor = doc["object"], doc["actor"]
            ok = (
                doc["type"] == type_
                and obj["app"] == app
                and obj["model"] == model
                and obj["id"] == object_id
                and (actor["user"] or "") == user
                and (actor["organisation"] or "") == organisation
                and _same_millisecond(doc["time"], when)
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            ok = False
        if not ok:
            raise Mismatch(f"第一处不符：序号 {index} 的索引列与记录内容不符")
