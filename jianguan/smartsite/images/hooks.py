"""Where apps above the smart site hook into site images (registries, not upward imports).

- ``register_upload_hook(fn)``: ``fn(image_ids)`` runs after the transaction that kept a batch
  of images has committed (hazard recognition enqueues its analyses there). A failing hook is
  logged and never loses or refuses the upload.
- ``register_image_notes(fn)``: ``fn(actor, images)`` returns ``{image_pk: note}`` for the
  gallery, a note being ``{"label", "url", "css"}`` (e.g. "识别：2 处隐患" linking to the
  image's detections).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("jianguan.smartsite.images")

UploadHook = Callable[[Sequence[int]], None]
NotesProvider = Callable[[Any, Sequence[Any]], dict[int, dict]]
_UPLOAD_HOOKS: list[UploadHook] = []
_NOTES: list[NotesProvider] = []


def register_upload_hook(hook: UploadHook) -> None:
    if hook not in _UPLOAD_HOOKS:
        _UPLOAD_HOOKS.append(hook)


def register_image_notes(provider: NotesProvider) -> None:
    if provider not in _NOTES:
        _NOTES.append(provider)


def run_upload_hooks(image_ids: Sequence[int]) -> None:
    for hook in list(_UPLOAD_HOOKS):
        try:
            hook(list(image_ids))
        except Exception:  # the images are kept whatever a hook does
            log.exception("upload hook %r failed", hook)


def image_notes(actor: Any, images: Sequence[Any]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for provider in list(_NOTES):
        try:
            notes = provider(actor, images)
        except Exception:  # a note is a convenience: the gallery shows without it
            log.exception("image notes %r failed", provider)
            continue
        for pk, note in notes.items():
            out.setdefault(pk, []).append(note)
    return out
