"""PostgreSQL: the search entries' GIN indexes on (kind, words) instead of words alone
(fulltext.KIND_GIN_INSTALL says why). Nothing on SQLite (FTS5 already matches the kind)."""

from django.db import migrations

from jianguan.workbench.search import fulltext


class Migration(migrations.Migration):
    dependencies = [("workbench", "0002_search_index")]

    operations = [migrations.RunPython(fulltext.install_kind_gin, fulltext.uninstall_kind_gin)]
