"""Benchmark the global search (issue 16 part 4) over a large index, on SQLite and PostgreSQL.

Target: with 100,000 projects, 20,000 organisations and 1,000,000 document texts in the index,
``GET /api/v1/search?q=`` answers at p95 under 300 ms. One JSON line per figure::

    python bench/search.py                                              # full scale, SQLite
    python bench/search.py --projects 10000 --organisations 2000 --documents 100000   # scaled down
    python bench/search.py --backends sqlite,postgres                   # both databases

Figures
-------
* ``search.build``: rows written and seconds; ``search.index_rate``: documents indexed per second
  through the real indexer (``search_index_update``: jieba, then the FTS table or GIN index).
* ``search.query``: one line per (persona, query), p50/p95/p99 over ``--repeat`` requests of the
  API through Django's test client in-process (the whole view: token authentication, the
  scoped query per source, snippets, JSON), with the number of hits; then ``search.all`` over
  every request together — the figure the target is about (``target_p95_ms``, ``ok``).

Personas: the regulator (sees everything: no narrowing), the demo owner (projects through its
participations, tenders' drafts of its own) and the demo contractor. Queries: a common word,
a word of many project names, a word only inside a longer word (污水处理 in 污水处理厂), two
words together, an organisation name fragment, a project code, a rare word and a word that is
nowhere.

How the data is built
---------------------
Organisations, towns and users come from ``accounts.demo.seed``; the projects and their
participants from ``bench/register.py``'s builder (bulk_create). 20,000 organisations, 10,000
tenders (a tenth of them drafts) and the documents (``TenderDocument`` rows, a hundred per
tender) are written with ``bulk_create``. Projects, organisations and tenders are indexed by
the real ``search_reindex`` (jieba). The documents' index rows are written directly with their
words already cut (texts are drawn from a fixed vocabulary of construction words, the same words
jieba would give), because cutting a million texts with jieba takes longer than the benchmark
should; ``search.index_rate`` measures the real indexer on a sample of them instead.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import emit, summary  # noqa: E402

TARGET_P95_MS = 300.0
SEED = 16_2026
BATCH = 5_000

WORDS = (
    "混凝土 钢筋 模板 脚手架 基坑 支护 降水 土方 回填 桩基 承台 地下室 防水 屋面 幕墙 门窗 "
    "给水 排水 雨水 污水 管网 检查井 电缆 桥架 配电 照明 消防 喷淋 通风 空调 电梯 节能 保温 "
    "装饰 装修 涂料 地面 墙面 吊顶 道路 路基 路面 沥青 人行道 路灯 绿化 景观 桥梁 涵洞 "
    "隧道 管廊 泵站 水厂 污水处理 处理厂 垃圾 转运站 学校 小学 中学 幼儿园 医院 卫生 服务 "
    "中心 社区 养老 体育馆 图书馆 文化 安置房 保障房 老旧 小区 改造 提升 新建 扩建 改扩建 "
    "维修 加固 拆除 施工 设计 监理 勘察 造价 预算 结算 审计 变更 签证 验收 质量 安全 进度 "
    "计划 合同 招标 投标 评标 开标 中标 公示 澄清 答疑 技术 商务 报价 清单 工程量 规范 标准 "
    "图纸 方案 报告 记录 日志 会议 纪要 通知 整改 检查 巡查 隐患 文明 扬尘 噪声 环保 "
    "大兴 黄村 西红门 旧宫 亦庄 瀛海 青云店 采育 安定 礼贤 榆垡 庞各庄 北臧村 魏善庄 长子营"
).split()
RARE = "琉璃瓦"  # in a handful of documents only


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40, help="requests per persona and query")
    parser.add_argument("--backends", default="", help="sqlite,postgres (default: sqlite)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per backend")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    flags = []
    for flag in ("projects", "organisations", "documents", "repeat"):
        flags += [f"--{flag}", str(getattr(args, flag))]
    return run_backends("search", __file__, flags, backends=args.backends, timeout=args.timeout)


def child(args: argparse.Namespace) -> int:
    def stop(*_):
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, stop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.register import _build as build_projects
    from jianguan.accounts import demo as accounts_demo
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data
    from jianguan.workbench.search.index import search_reindex

    backend = args.child
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_REUSE_DB"):  # built by an earlier run (bench/_backends.py)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        return _measure(backend, args)
    ensure_key()
    rules_sync_from_data()
    accounts_demo.seed()
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -262144")
    built = build_projects(args.projects, 0)
    built.pop("warnings", None)
    built["organisations"] = _organisations(args.organisations)
    built["tenders"] = _tenders()
    built["documents"] = _documents(args.documents)
    t1 = time.perf_counter()
    indexed = search_reindex(kinds=["projects", "organisations", "tenders"])
    reindex_s = time.perf_counter() - t1
    built["document_entries"] = _document_entries()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    emit(
        "search.build",
        backend=backend,
        **built,
        indexed=indexed,
        reindex_seconds=round(reindex_s, 1),
        seconds=round(time.perf_counter() - t0, 1),
    )
    _index_rate(backend)
    return _measure(backend, args)


# --------------------------------------------------------------------------- data


def _organisations(n: int) -> int:
    from jianguan.accounts.models import Organisation, Town

    rng = random.Random(SEED)
    towns = list(Town.objects.all())
    kinds = ["general_contractor", "supervisor", "designer", "surveyor", "specialist_subcontractor"]
    rows, done = [], 0
    for i in range(n):
        a, b = rng.sample(WORDS, 2)
        rows.append(
            Organisation(
                name=f"北京{a}{b}建设工程有限公司{i}",
                kind=kinds[i % len(kinds)],
                credit_code=f"91110115B{i:09d}",
                legal_representative="张三",
                address=f"北京市大兴区{rng.choice(towns).name}{rng.randint(1, 300)}号",
                town=rng.choice(towns),
            )
        )
        if len(rows) == BATCH:
            Organisation.objects.bulk_create(rows)
            done += len(rows)
            rows = []
    Organisation.objects.bulk_create(rows)
    return done + len(rows)


def _tenders() -> int:
    import datetime as dt
    from decimal import Decimal

    from jianguan.projects.models import Project
    from jianguan.tendering.models import Tender

    rng = random.Random(SEED + 1)
    n = max(1, Project.objects.count() // 10)
    projects = list(Project.objects.order_by("pk").values_list("pk", "name", "owner_id")[:n])
    at = dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC)
    rows = [
        Tender(
            code=f"ZB-B-{k:07d}",
            project_id=pk,
            title=f"{name}施工",
            description=" ".join(rng.sample(WORDS, 8)),
            procedure="open_post",
            status="draft" if k % 10 == 0 else "bidding",
            tenderer_id=owner,
            estimate=Decimal("10000000"),
            published_at=None if k % 10 == 0 else at,
            created_by="bench",
        )
        for k, (pk, name, owner) in enumerate(projects)
    ]
    Tender.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _documents(n: int) -> int:
    import datetime as dt

    from jianguan.tendering.models import Tender, TenderDocument

    rng = random.Random(SEED + 2)
    tenders = list(Tender.objects.order_by("pk").values_list("pk", flat=True))
    at = dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC)
    rows, done = [], 0
    for i in range(n):
        words = rng.sample(WORDS, 3)
        rows.append(
            TenderDocument(
                tender_id=tenders[i % len(tenders)],
                kind="clarification",
                title=f"关于{''.join(words)}的澄清{i}"[:200],
                file=f"tendering/documents/2026/bench-{i}.pdf",
                sm3="0" * 64,
                size=1,
                published_at=at,
            )
        )
        if len(rows) == BATCH:
            TenderDocument.objects.bulk_create(rows)
            done += len(rows)
            rows = []
    TenderDocument.objects.bulk_create(rows)
    return done + len(rows)


def _document_entries() -> int:
    """One index row per document, its text drawn from the vocabulary (Zipf-like: a few words
    common, most rare), written directly with its words already cut (see the docstring)."""
    import datetime as dt

    from django.urls import reverse

    from jianguan.tendering.models import TenderDocument
    from jianguan.workbench.search.models import SearchEntry

    rng = random.Random(SEED + 3)
    weights = [1 / (k + 1) for k in range(len(WORDS))]
    now = dt.datetime.now(dt.UTC)
    base = reverse("tendering:tender", args=[0])[: -len("0/")]
    rows, done = [], 0
    qs = TenderDocument.objects.order_by("pk").values_list("pk", "tender_id", "title")
    for pk, tender_id, title in qs.iterator(chunk_size=BATCH):
        words = rng.choices(WORDS, weights, k=40)
        if pk % 100_000 == 7:
            words.append(RARE)
        body = "，".join(" ".join(words[i : i + 8]) for i in range(0, len(words), 8))
        rows.append(
            SearchEntry(
                kind="documents",
                object_id=pk,
                title=title,
                text=body.replace(" ", ""),
                title_tokens=" ".join(_title_words(title)),
                tokens=" ".join([*_title_words(title), *words]),
                url=f"{base}{tender_id}/#documents",
                updated=now,
            )
        )
        if len(rows) == BATCH:
            SearchEntry.objects.bulk_create(rows)
            done += len(rows)
            rows = []
    SearchEntry.objects.bulk_create(rows)
    return done + len(rows)


_TITLE_CACHE: dict[str, list[str]] = {}


def _title_words(title: str) -> list[str]:
    from jianguan.workbench.search.text import index_tokens

    stem = title.rstrip("0123456789")
    if stem not in _TITLE_CACHE:
        _TITLE_CACHE[stem] = index_tokens(stem).split()
    return [*_TITLE_CACHE[stem], title[len(stem) :]]


def _index_rate(backend: str) -> None:
    from django.db import transaction

    from jianguan.tendering.models import TenderDocument
    from jianguan.workbench.search.index import search_index_update
    from jianguan.workbench.search.models import SearchEntry

    ids = list(TenderDocument.objects.order_by("-pk").values_list("pk", flat=True)[:2000])
    saved = list(SearchEntry.objects.filter(kind="documents", object_id__in=ids))
    t0 = time.perf_counter()
    with transaction.atomic():
        SearchEntry.objects.filter(kind="documents", object_id__in=ids).delete()
        search_index_update(kind="documents", ids=ids)
        seconds = time.perf_counter() - t0
        transaction.set_rollback(True)  # keep the benchmark's own rows
    emit(
        "search.index_rate",
        backend=backend,
        documents=len(ids),
        seconds=round(seconds, 2),
        per_second=round(len(ids) / seconds),
        replaced=len(saved),
    )


# --------------------------------------------------------------------------- measuring


QUERIES = [
    ("common_word", "施工"),
    ("project_word", "老旧小区"),
    ("inside_word", "污水处理"),
    ("two_words", "混凝土 验收"),
    ("organisation", "建设工程有限公司"),
    ("code", "DX-2020"),
    ("rare", RARE),
    ("nothing", "量子计算机"),
]


def _measure(backend: str, args: argparse.Namespace) -> int:
    from django.test import Client

    from jianguan.accounts.models import User
    from jianguan.accounts.services import api_token_create
    from jianguan.core.actor import SYSTEM

    everything: list[float] = []
    failed = 0
    for username in ("regulator", "owner", "contractor"):
        user = User.objects.get(username=username)
        _, secret = api_token_create(actor=SYSTEM, user=user, name="bench")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for name, q in QUERIES:
            path = "/api/v1/search?" + urlencode({"q": q})
            samples: list[float] = []
            body = None
            for i in range(args.repeat + 2):
                t0 = time.perf_counter()
                response = client.get(path)
                ms = (time.perf_counter() - t0) * 1000
                if response.status_code != 200:
                    failed += 1
                    emit("search.error", backend=backend, q=q, status=response.status_code)
                    break
                body = response.json()
                if i >= 2:  # two warm-up requests
                    samples.append(ms)
            if not samples:
                continue
            everything += samples
            emit(
                "search.query",
                backend=backend,
                persona=username,
                query=name,
                q=q,
                hits=body["count"],
                groups={g["kind"]: g["count"] for g in body["groups"]},
                **summary(samples),
            )
    stats = summary(everything)
    emit(
        "search.all",
        backend=backend,
        projects=args.projects,
        organisations=args.organisations,
        documents=args.documents,
        target_p95_ms=TARGET_P95_MS,
        ok=failed == 0 and stats["p95_ms"] < TARGET_P95_MS,
        **stats,
    )
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
