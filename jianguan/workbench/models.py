"""Django finds an app's models here; they live in the notifications sub-package."""

from jianguan.workbench.notifications.models import (  # noqa: F401
    Delivery,
    Notification,
    NotificationPreference,
)
from jianguan.workbench.search.models import SearchEntry  # noqa: F401
