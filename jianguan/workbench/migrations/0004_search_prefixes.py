"""PostgreSQL: the search words' prefixes become index terms (fulltext.PREFIX_MAX says why).
The generated columns are rebuilt, so every entry is re-cut once. Nothing on SQLite."""

from django.db import migrations

from jianguan.workbench.search import fulltext


class Migration(migrations.Migration):
    dependencies = [("workbench", "0003_search_kind_gin")]

    operations = [migrations.RunPython(fulltext.install_prefixes, fulltext.uninstall_prefixes)]
