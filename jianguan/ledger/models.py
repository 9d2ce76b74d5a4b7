"""The tamper-evident log: entries, stored Merkle nodes, signed heads and public keys.

Entries, nodes and heads are append-only (code and database triggers). `LedgerState` is
the one mutable row: the sequencer's lock and the right edge ("frontier") of the tree,
so an append needs no read of stored nodes at all.
"""

from __future__ import annotations

from django.db import models


class LedgerState(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    tree_size = models.BigIntegerField(default=0)
    hash_alg = models.CharField(max_length=10, default="sm3")
    # {"level:index": hex} for the perfect subtrees that make up [0, tree_size).
    frontier = models.JSONField(default=dict)

    class Meta:
        verbose_name = "存证日志状态"

    def __str__(self) -> str:
        return f"tree_size={self.tree_size}"


class LedgerEntry(models.Model):
    index = models.BigIntegerField("序号", unique=True)
    leaf_input = models.BinaryField("叶输入（规范 JSON）")
    type = models.CharField("事件类型", max_length=80, db_index=True)
    object_app = models.CharField("对象应用", max_length=50)
    object_model = models.CharField("对象类型", max_length=80)
    object_id = models.CharField("对象编号", max_length=64)
    actor_user = models.CharField("操作人", max_length=150, blank=True)
    actor_organisation = models.CharField("操作机构", max_length=64, blank=True)
    time = models.DateTimeField("时间", db_index=True)

    class Meta:
        ordering = ["index"]
        verbose_name = "存证记录"
        verbose_name_plural = "存证记录"
        indexes = [
            models.Index(fields=["object_app", "object_model", "object_id", "index"]),
            # "what I did" (已办 on the workbench): one person's entries, newest first
            models.Index(fields=["actor_user", "-index"], name="ledger_entry_actor_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.type}"


class LedgerNode(models.Model):
    """Hash of a complete subtree: level 0 are leaf hashes (RFC 9162 §2.1.1)."""

    key = models.BigIntegerField(unique=True)  # level << 56 | index: one indexed lookup
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = "默克尔节点"

    def __str__(self) -> str:
        return f"node({self.level}, {self.index})"

    @staticmethod
    def make_key(level: int, index: int) -> int:
        return (level << 56) | index


class SigningKey(models.Model):
    """Public half of a tree-head signing key; rotated keys stay so old heads verify."""

    key_id = models.CharField(max_length=64, unique=True)
    sig_alg = models.CharField(max_length=20)
    public_key = models.TextField()
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = "签名公钥"

    def __str__(self) -> str:
        return f"{self.sig_alg}:{self.key_id}"


class TreeHead(models.Model):
    tree_size = models.BigIntegerField(db_index=True)
    root_hash = models.CharField(max_length=64)
    timestamp = models.CharField(max_length=30)  # exactly the signed string
    hash_alg = models.CharField(max_length=10)
    signature = models.TextField()
    key_id = models.CharField(max_length=64)
    sig_alg = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "签名树头"

    def __str__(self) -> str:
        return f"head tree_size={self.tree_size}"

    def as_dict(self) -> dict:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp,
            "hash_alg": self.hash_alg,
            "signature": self.signature,
            "key_id": self.key_id,
            "sig_alg": self.sig_alg,
        }


class IssuedDocument(models.Model):
    """A generated document (notice, order, certificate, report) whose exact bytes are on
    the ledger: the code printed on it (QR and short URL) leads to a public page that shows
    this row and checks its entry against the signed tree head (扫码验真).

    Only what the document itself shows is kept here (kind, title, issuer, signer), never
    its content: anyone holding the code holds the document already.
    """

    code = models.CharField("验证码", max_length=16, unique=True)
    kind = models.CharField("文书类别", max_length=80)  # e.g. "compliance.rectification_order"
    kind_label = models.CharField("文书名称", max_length=50)
    title = models.CharField("标题", max_length=300)
    issuer = models.CharField("签发单位", max_length=200)
    signer = models.CharField("签发人", max_length=100)
    object_app = models.CharField(max_length=50)
    object_model = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    size = models.PositiveIntegerField("字节数")
    entry_index = models.BigIntegerField("存证序号")
    issued_at = models.DateTimeField("签发时间")

    class Meta:
        verbose_name = "签发文书"
        verbose_name_plural = "签发文书"
        indexes = [
            models.Index(
                fields=["object_app", "object_model", "object_id", "kind", "-id"],
                name="ledger_issued_doc_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.code}"
