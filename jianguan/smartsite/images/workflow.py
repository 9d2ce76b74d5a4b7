"""Codes and limits of site images, cameras and danger zones. Pure: no queries."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

IMAGE_KIND = {
    "snapshot": "监控抓拍",
    "drone": "无人机航拍",
    "photo": "现场照片",
}
ZONE_KIND = {
    "excavation": "深基坑",
    "height": "高处作业区",
    "lifting": "起重吊装区",
    "electric": "临时用电区",
    "hot_work": "动火作业区",
    "storage": "危险品存放区",
    "other": "其他危险区域",
}
# One upload: a drone flight's worth of frames. More goes in several uploads.
MAX_BATCH = 50
MAX_IMAGE_BYTES = 25 * 1024 * 1024
STREAM_SCHEMES = ("rtsp", "rtmp", "http", "https")


def stream_without_login(url: str) -> str:
    """The stream address without the recorder's user name and password: what a viewer who
    does not manage cameras gets (the vendor's player asks for its own login)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))
