"""The global search index (issue 16, part 4): entries, and the vendor's full-text index on
their tokens (an FTS5 table with triggers on SQLite, a GIN index on PostgreSQL)."""

from django.db import migrations, models

from jianguan.workbench.search import fulltext


class Migration(migrations.Migration):
    dependencies = [("workbench", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=30, verbose_name="类型")),
                ("object_id", models.BigIntegerField(verbose_name="对象")),
                ("title", models.CharField(max_length=300, verbose_name="标题")),
                ("text", models.TextField(blank=True, verbose_name="内容")),
                ("title_tokens", models.TextField(blank=True, verbose_name="标题分词")),
                ("tokens", models.TextField(verbose_name="分词")),
                ("url", models.CharField(max_length=300, verbose_name="链接")),
                ("updated", models.DateTimeField(verbose_name="索引时间")),
            ],
            options={
                "verbose_name": "搜索索引",
                "verbose_name_plural": "搜索索引",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="search_entry_unique"
                    )
                ],
                "indexes": [models.Index(fields=["kind", "id"], name="search_entry_kind_id")],
            },
        ),
        migrations.RunPython(fulltext.install, fulltext.uninstall),
    ]
