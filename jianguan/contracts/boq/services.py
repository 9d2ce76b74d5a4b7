"""Bill of quantities: the Excel import of a draft contract's 工程量清单, and `replace_items`,
the bulk write used inside other services' transactions (contract creation from an award)."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from jianguan.contracts import workflow
from jianguan.contracts.boq import io as boq_io
from jianguan.contracts.models import BoqItem, Contract, Evidence
from jianguan.contracts.services.common import locked, require_party
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.permissions import require
from jianguan.ledger.services import record

BATCH = 2000
MAX_DETAILS = 1000  # row errors returned at most (the message gives the full count)


def replace_items(contract: Contract, lines: list[dict[str, Any]]) -> tuple[int, Decimal]:
    """Delete the contract's BoQ lines and bulk-create `lines` ({code, name, feature, unit,
    quantity, rate, amount}) in order, sequence from 1, current quantity = quantity.
    No permission check and no ledger entry: call it only inside a service's transaction that
    checks and records. Returns (count, total amount)."""
    total = Decimal("0.00")
    items = []
    for i, line in enumerate(lines, 1):
        amount = Decimal(line["amount"])
        quantity = Decimal(line["quantity"])
        total += amount
        items.append(
            BoqItem(
                contract=contract,
                sequence=i,
                code=str(line["code"]).strip(),
                name=str(line.get("name") or "").strip(),
                feature=str(line.get("feature") or "").strip(),
                unit=str(line.get("unit") or "").strip(),
                quantity=quantity,
                unit_rate=Decimal(line["rate"]),
                amount=amount,
                current_quantity=quantity,
            )
        )
    with transaction.atomic():
        BoqItem.objects.filter(contract=contract).delete()
        BoqItem.objects.bulk_create(items, batch_size=BATCH)
    return len(items), total


def _content(file: Any) -> tuple[bytes, str]:
    if file is None:
        raise ValidationFailed("请上传工程量清单 Excel 文件（.xlsx）", code="missing_file")
    size = getattr(file, "size", None)
    if size is not None and size > boq_io.MAX_BYTES:
        raise ValidationFailed(
            f"清单文件超过 {boq_io.MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    data = file.read(boq_io.MAX_BYTES + 1) if hasattr(file, "read") else bytes(file)
    if len(data) > boq_io.MAX_BYTES:
        raise ValidationFailed(
            f"清单文件超过 {boq_io.MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    if not data:
        raise ValidationFailed("清单文件为空", code="empty_file")
    name = str(getattr(file, "name", "") or "工程量清单.xlsx").rsplit("/", 1)[-1][:200]
    return data, name


def _require_draft(contract: Contract) -> None:
    if contract.status == workflow.DRAFT:
        return
    if contract.status == workflow.SIGNING:
        raise Conflict("合同已提交签署，工程量清单不能再导入", code="boq_locked")
    raise Conflict("合同已签订，工程量清单只能通过变更调整", code="boq_locked")


def boq_import(*, actor: Actor, contract: Contract, file: Any) -> dict[str, Any]:
    """Replace a draft contract's BoQ with the lines of an uploaded workbook. Any row error
    refuses the whole file (400 `boq_invalid`, details [{row, column, message}]); nothing is
    changed. Returns {count, total, sm3, warnings}."""
    require(actor, "contracts.manage")
    require_party(
        actor, contract, "employer", "contractor", message="只有合同双方可以导入工程量清单"
    )
    _require_draft(contract)
    data, name = _content(file)
    digest = hashlib.new("sm3", data).hexdigest()
    lines, errors = boq_io.parse(io.BytesIO(data))
    if errors:
        first = errors[0]
        where = f"第 {first['row']} 行：" if first.get("row") else ""
        raise ValidationFailed(
            f"工程量清单有 {len(errors)} 处错误，未导入。{where}{first['message']}",
            code="boq_invalid",
            details=errors[:MAX_DETAILS],
        )
    with transaction.atomic():
        contract = locked(contract)
        _require_draft(contract)
        previous = contract.boq_items.count()
        count, total = replace_items(contract, lines)
        Evidence.objects.create(
            contract=contract,
            file=ContentFile(data, name=f"{contract.number}-boq-{digest[:12]}.xlsx"),
            name=name,
            sm3=digest,
            size=len(data),
            uploaded_by=actor.username,
        )
        record(
            actor=actor,
            type="contracts.boq_imported",
            obj=contract,
            payload={
                "count": count,
                "total": str(total),
                "replaced": previous,
                "file_name": name,
            },
            files=[{"name": "boq.xlsx", "sm3": digest}],
        )
    warnings = []
    if total != contract.price:
        warnings.append(
            f"清单合计 {total} 元与签约合同价 {contract.price} 元不一致，签署前须调整一致"
        )
    return {"count": count, "total": total, "sm3": digest, "warnings": warnings}
