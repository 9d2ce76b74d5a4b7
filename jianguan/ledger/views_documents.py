"""The public verification page of an issued document, /v/<code>/ (扫码验真), no login.

GET shows what the ledger holds for the code; POST takes the file in hand (size-limited,
hashed in chunks, never stored) and says whether its SM3 is the one on the ledger, so a
printed or e-mailed copy can be checked without any script or tool.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from jianguan.ledger import documents


@require_http_methods(["GET", "POST"])
def document_verify(request: HttpRequest, code: str) -> HttpResponse:
    document = documents.document_by_code(code)
    context: dict = {"v": documents.verify(document), "max_mb": documents.MAX_UPLOAD >> 20}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "请选择要核对的文件"
            status = 400
        elif upload.size > documents.MAX_UPLOAD:
            context["error"] = f"文件超过 {context['max_mb']} MB，不是本平台签发的文书"
            status = 400
        else:
            digest = documents.file_sm3(upload)
            context["upload"] = {
                "name": upload.name,
                "size": upload.size,
                "sm3": digest,
                "matches": digest == document.sm3,
            }
    return render(request, "ledger/document_verify.html", context, status=status)
