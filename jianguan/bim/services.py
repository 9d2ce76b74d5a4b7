"""The writes of BIM model revisions: a chunked upload (start, chunks, finish: the file is
checked in a child process before a revision exists, so a bad file leaves nothing behind) and
the processing of a revision in the task worker (summary, elements triangulated once into the
mesh cache, quantities per element). Clash sets and clashes are in ``services_clash``, the
take-off in ``services_quantity``; the child process is in ``isolated``."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from jianguan.bim import selectors, workflow
from jianguan.bim.models import Element, ModelRevision, UploadSession
from jianguan.core.actor import Actor
from jianguan.core.errors import DomainError, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.projects.models import Project

log = logging.getLogger(__name__)
UPLOAD_ROLES = ("owner", "designer", "general_contractor")


class TooLarge(DomainError):
    status = 413
    code = "upload_too_large"


# --- where files live ----------------------------------------------------------------------


def bim_dir() -> Path:
    return Path(settings.BIM_DIR)


def revision_file(revision: ModelRevision) -> Path:
    return bim_dir() / revision.file_path


def mesh_dir() -> Path:
    return bim_dir() / "meshes"


# --- the child process -----------------------------------------------------------------------


class ChildFailed(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _argv(job: str, inp: str, outp: str) -> list[str]:
    return [sys.executable, "-m", "jianguan.bim.isolated", job, inp, outp]


def run_child(
    job: str, args: dict[str, Any], *, on_progress=None, timeout: int | None = None
) -> dict:
    """Run one job of ``isolated`` in a child process under the memory limit; its JSON result,
    or ChildFailed with a Chinese message (a model error, a crash, memory, time)."""
    timeout = timeout or settings.BIM_CHILD_TIMEOUT_S
    with tempfile.TemporaryDirectory(prefix="bim-") as tmp:
        inp, outp, prog = (os.path.join(tmp, n) for n in ("in.json", "out.json", "progress"))
        payload = {**args, "memory_mb": settings.BIM_CHILD_MEMORY_MB, "progress": prog}
        Path(inp).write_text(json.dumps(payload, ensure_ascii=False))
        proc = subprocess.Popen(
            _argv(job, inp, outp),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=settings.BASE_DIR,
        )
        started = now()
        stderr = b""
        while True:
            try:
                _, stderr = proc.communicate(timeout=1)
                break
            except subprocess.TimeoutExpired:
                if on_progress is not None:
                    _report(prog, on_progress)
                if (now() - started).total_seconds() > timeout:
                    proc.kill()
                    proc.communicate()
                    raise ChildFailed(
                        f"模型处理超过 {timeout // 60} 分钟仍未完成，已中止", "model_timeout"
                    ) from None
        result = _read(outp)
        if result is None:
            log.warning("bim child %s died rc=%s: %s", job, proc.returncode, stderr[-2000:])
            if b"MemoryError" in stderr or b"std::bad_alloc" in stderr:
                raise ChildFailed(
                    f"模型处理超出内存限制（{settings.BIM_CHILD_MEMORY_MB} MB），已中止",
                    "model_memory",
                )
            raise ChildFailed(
                f"几何计算内核异常退出（代码 {proc.returncode}），模型未能处理；"
                "请检查模型或联系管理员",
                "model_kernel_crash",
            )
        if not result.get("ok"):
            raise ChildFailed(result["message"], result["code"])
        return result


def _report(path: str, on_progress) -> None:
    try:
        on_progress(int(Path(path).read_text() or 0))
    except (OSError, ValueError):
        pass


def _read(path: str) -> dict | None:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


# --- who may upload ---------------------------------------------------------------------------


def may_upload(actor: Actor, project_id: int) -> bool:
    return actor.can("bim.upload") and bool(
        selectors.roles_in(actor, project_id) & set(UPLOAD_ROLES)
    )


def require_upload(actor: Actor, project_id: int) -> None:
    _check_upload(actor, project_id)


def _check_upload(actor: Actor, project: Project | int) -> None:
    if not may_upload(actor, getattr(project, "pk", project)):
        raise PermissionDenied(
            "仅本项目的建设、设计或施工总承包单位可上传模型", code="permission_denied"
        )


def _text(value: Any, label: str, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", code="missing_field")
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字", code="too_long")
    return text


# --- chunked upload ---------------------------------------------------------------------------


def revision_upload_start(
    *,
    actor: Actor,
    project: Project,
    discipline: str,
    label: str,
    file_name: str,
    size: int,
    sm3: str = "",
) -> UploadSession:
    _check_upload(actor, project)
    if discipline not in workflow.DISCIPLINES:
        raise ValidationFailed("请选择专业", code="invalid_discipline")
    label = _text(label, "版本号", 40)
    file_name = _text(file_name, "文件名", 200)
    if not file_name.lower().endswith((".ifc", ".ifczip")) or file_name.lower().endswith(".ifczip"):
        raise ValidationFailed("仅接受 IFC 文件（.ifc）", code="not_ifc")
    limit = settings.BIM_MAX_UPLOAD_BYTES
    if not isinstance(size, int) or size <= 0:
        raise ValidationFailed("文件大小无效", code="invalid_size")
    if size > limit:
        raise TooLarge(
            f"模型文件 {size / 1048576:,.0f} MB，超过上限 {limit / 1048576:,.0f} MB",
            code="upload_too_large",
        )
    sm3 = (sm3 or "").strip().lower()
    if sm3 and (len(sm3) != 64 or any(c not in "0123456789abcdef" for c in sm3)):
        raise ValidationFailed("SM3 摘要应为 64 位十六进制", code="invalid_sm3")
    if ModelRevision.objects.filter(project=project, discipline=discipline, label=label).exists():
        raise ValidationFailed(
            f"{workflow.DISCIPLINES[discipline]}专业已有版本“{label}”", code="duplicate_label"
        )
    pk = uuid.uuid4()
    temp = bim_dir() / "uploads" / f"{pk}.part"
    temp.parent.mkdir(parents=True, exist_ok=True)
    temp.write_bytes(b"")
    return UploadSession.objects.create(
        id=pk,
        project=project,
        discipline=discipline,
        label=label,
        file_name=file_name,
        total_size=size,
        temp_path=str(temp),
        sm3=sm3,
        started_by=actor.user,
    )


def _session_check(actor: Actor, session: UploadSession) -> None:
    if session.started_by_id != actor.user.pk:
        raise PermissionDenied("这不是你发起的上传", code="permission_denied")


def revision_upload_append_chunk(
    *, actor: Actor, session: UploadSession, offset: int, data: bytes
) -> UploadSession:
    """Append one chunk at ``offset`` (the bytes received so far: a chunk sent twice after a
    lost answer is refused, not appended twice)."""
    _session_check(actor, session)
    if offset != session.received:
        raise ValidationFailed(
            f"分片位置不符：应从第 {session.received} 字节续传",
            code="bad_offset",
            details={"received": session.received},
        )
    if not data:
        raise ValidationFailed("分片为空", code="empty_chunk")
    if len(data) > settings.BIM_CHUNK_BYTES:
        raise ValidationFailed("分片过大", code="chunk_too_large")
    if session.received + len(data) > session.total_size:
        raise ValidationFailed("上传内容超过声明的文件大小", code="upload_overrun")
    with open(session.temp_path, "ab") as fh:
        fh.truncate(session.received)
        fh.write(data)
    UploadSession.objects.filter(pk=session.pk).update(received=session.received + len(data))
    session.received += len(data)
    return session


def _sm3_of(path: Path) -> str:
    digest = hashlib.new("sm3")
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _discard(session: UploadSession) -> None:
    Path(session.temp_path).unlink(missing_ok=True)
    UploadSession.objects.filter(pk=session.pk).delete()


def revision_upload_finish(
    *, actor: Actor, session: UploadSession, is_demo: bool = False
) -> ModelRevision:
    """Check what is cheap to check in the request (every byte arrived, the client's SM3, an
    ISO-10303-21 header), create the revision "pending", ledgered with the file's SM3, and
    queue its processing. Parsing and validating the model (schema, elements, geometry) is
    the worker's: a 500 MB file takes minutes to parse, longer than a web request may run;
    a model that fails there ends "failed" with the reason, never "ready". A file refused
    here is deleted with its session: nothing half-made."""
    from jianguan.bim.engine import summary

    _session_check(actor, session)
    temp = Path(session.temp_path)
    if session.received != session.total_size:
        raise ValidationFailed(
            f"文件尚未传完（{session.received:,} / {session.total_size:,} 字节）",
            code="upload_incomplete",
        )
    digest = _sm3_of(temp)
    if session.sm3 and digest != session.sm3:
        _discard(session)
        raise ValidationFailed(
            "文件校验失败（SM3 不一致），上传已损坏，请重新上传", code="sm3_mismatch"
        )
    try:
        schema = summary.declared_schema(temp)
    except summary.ModelError as exc:
        _discard(session)
        raise ValidationFailed(exc.message, code=exc.code) from None
    rel = Path("revisions") / str(session.project_id) / f"{session.pk}.ifc"
    (bim_dir() / rel).parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, bim_dir() / rel)
    try:
        with transaction.atomic():
            revision = _revision_create(actor, session, rel, digest, schema, is_demo=is_demo)
    except BaseException:
        (bim_dir() / rel).unlink(missing_ok=True)
        raise
    return revision


def _revision_create(
    actor, session, rel: Path, digest: str, schema: str, *, is_demo: bool = False
) -> ModelRevision:
    previous = (
        ModelRevision.objects.filter(project_id=session.project_id, discipline=session.discipline)
        .exclude(status=workflow.FAILED)
        .order_by("-created_at", "-pk")
        .first()
    )
    revision = ModelRevision.objects.create(
        project_id=session.project_id,
        discipline=session.discipline,
        label=session.label,
        previous=previous,
        file_path=str(rel),
        file_name=session.file_name,
        size=session.total_size,
        sm3=digest,
        summary={},  # the worker's, once it has parsed the model
        uploaded_by=actor.user,
        organisation_id=actor.organisation_id,
        is_demo=is_demo,
    )
    record(
        actor=actor,
        type="bim.revision_uploaded",
        obj=revision,
        payload={
            "project": session.project_id,
            "discipline": session.discipline,
            "label": session.label,
            "file_name": session.file_name,
            "size": session.total_size,
            "schema": schema,  # as the file's header declares it
            "previous": previous.pk if previous else None,
        },
        files=[{"name": session.file_name, "sm3": digest}],
    )
    UploadSession.objects.filter(pk=session.pk).delete()
    transaction.on_commit(lambda: enqueue_process(revision.pk), robust=True)
    return revision


def enqueue_process(revision_id: int) -> None:
    from jianguan.bim.tasks import process

    try:
        process.enqueue(revision_id)
    except Exception:  # the queue is down: the revision stays pending, a retry re-queues it
        log.exception("enqueue of bim revision %s failed", revision_id)


# --- processing (task worker) --------------------------------------------------------------


def revision_process(*, revision_id: int) -> str:
    """Triangulate and measure one revision in the child process; a failure (the kernel's
    crash, memory, time, a model error) is recorded on the revision, never raised."""
    claimed = ModelRevision.objects.filter(
        pk=revision_id, status__in=(workflow.PENDING, workflow.FAILED)
    ).update(status=workflow.PROCESSING, started_at=now(), progress=0, error="", error_code="")
    if not claimed:
        return "skipped"
    revision = ModelRevision.objects.get(pk=revision_id)

    def progress(value: int) -> None:
        ModelRevision.objects.filter(pk=revision_id).update(progress=workflow.progress_clamp(value))

    try:
        result = run_child(
            "process",
            {"path": str(revision_file(revision)), "cache": str(mesh_dir())},
            on_progress=progress,
        )
    except ChildFailed as exc:
        ModelRevision.objects.filter(pk=revision_id).update(
            status=workflow.FAILED, error=exc.message[:500], error_code=exc.code, finished_at=now()
        )
        _notify_failed(revision)
        return f"failed: {exc.code}"
    _store(revision, result)
    return "ready"


def _store(revision: ModelRevision, result: dict) -> None:
    from jianguan.bim import services_quantity

    with transaction.atomic():
        Element.objects.filter(revision=revision).delete()
        Element.objects.bulk_create(
            [Element(revision=revision, **e) for e in result["elements"]], batch_size=2000
        )
        quantities = result.get("quantities") or {}
        path = bim_dir() / "quantities" / f"{revision.pk}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(quantities, ensure_ascii=False))
        ModelRevision.objects.filter(pk=revision.pk).update(
            status=workflow.READY, progress=100, summary=result["summary"], finished_at=now()
        )
        revision.refresh_from_db()
        services_quantity.quantities_store(revision=revision)


def element_quantities(revision: ModelRevision) -> dict[str, dict]:
    """The per-element quantities the child measured, kept beside the file (JSON)."""
    path = bim_dir() / "quantities" / f"{revision.pk}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _notify_failed(revision: ModelRevision) -> None:
    from jianguan.bim import notify

    transaction.on_commit(lambda: notify.revision_failed(revision.pk), robust=True)


def revisions_sweep() -> str:
    """Periodic: revisions and clash runs left pending (the queue was down) are queued again;
    a revision or run processing far longer than the child may run (its worker died) fails."""
    import datetime as dt

    from jianguan.bim.models import ClashRun
    from jianguan.bim.services_clash import _enqueue as enqueue_run

    moment = now()
    queued = moment - dt.timedelta(minutes=5)
    stale = moment - dt.timedelta(seconds=settings.BIM_CHILD_TIMEOUT_S + 600)
    message = "处理中断（任务进程退出），请重新处理"
    dead = ModelRevision.objects.filter(status=workflow.PROCESSING, started_at__lt=stale).update(
        status=workflow.FAILED, error=message, error_code="worker_lost", finished_at=moment
    )
    ClashRun.objects.filter(status=workflow.RUNNING, started_at__lt=stale).update(
        status=workflow.FAILED, error=message, finished_at=moment
    )
    pending = list(
        ModelRevision.objects.filter(status=workflow.PENDING, created_at__lt=queued).values_list(
            "pk", flat=True
        )[:100]
    )
    for pk in pending:
        enqueue_process(pk)
    runs = list(
        ClashRun.objects.filter(status=workflow.PENDING, created_at__lt=queued).values_list(
            "pk", flat=True
        )[:100]
    )
    for pk in runs:
        enqueue_run(pk)
    # uploads abandoned for a day: their partial files go
    abandoned = UploadSession.objects.filter(updated_at__lt=moment - dt.timedelta(days=1))
    for session in abandoned[:100]:
        _discard(session)
    return f"requeued {len(pending)} revisions, {len(runs)} runs; {dead} lost"
