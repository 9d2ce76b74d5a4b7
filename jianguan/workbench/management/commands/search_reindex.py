"""``manage.py search_reindex [--kind KIND ...]``: rebuild the global search index."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jianguan.workbench.search.index import search_reindex
from jianguan.workbench.search.registry import labels


class Command(BaseCommand):
    help = "重建全局搜索索引（默认全部类型）"

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", help="只重建这一类（可重复）")

    def handle(self, *args, **options):
        kinds = options.get("kind")
        unknown = sorted(set(kinds or ()) - set(labels()))
        if unknown:
            raise CommandError(
                f"未知的搜索类型：{', '.join(unknown)}（可选：{', '.join(labels())}）"
            )
        counts = search_reindex(kinds=kinds)
        for kind, n in counts.items():
            self.stdout.write(f"{labels().get(kind, kind)}（{kind}）：{n}")
        self.stdout.write(self.style.SUCCESS(f"已重建搜索索引，共 {sum(counts.values())} 条"))
