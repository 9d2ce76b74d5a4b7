"""The search index: one row per searchable object (kind, object id), kept by index.py.

``title_tokens`` and ``tokens`` are the tokenised title and title + text (text.index_tokens)
that the full-text index reads: an FTS5 table kept by triggers on SQLite, stored tsvector
columns with GIN indexes on PostgreSQL (fulltext.py, migration 0002_search_index). ``text`` is
the original, for snippets."""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    kind = models.CharField("类型", max_length=30)
    object_id = models.BigIntegerField("对象")
    title = models.CharField("标题", max_length=300)
    text = models.TextField("内容", blank=True)
    title_tokens = models.TextField("标题分词", blank=True)
    tokens = models.TextField("分词")
    url = models.CharField("链接", max_length=300)
    updated = models.DateTimeField("索引时间")

    class Meta:
        verbose_name = "搜索索引"
        verbose_name_plural = "搜索索引"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
        ]
        # newest first within a kind, while the full-text condition filters (PostgreSQL)
        indexes = [models.Index(fields=["kind", "id"], name="search_entry_kind_id")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"
