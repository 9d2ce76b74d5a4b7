"""Notifications (issue 16, part 3): the in-app inbox, e-mail and SMS, preferences, the digest.

- ``events``: the registry of notification kinds and their Chinese labels;
- ``models``: Notification (the inbox), Delivery (one send through one channel, with its
  attempts), NotificationPreference (per user);
- ``services``: the only writes — ``notify`` for immediate events, ``inbox_refresh`` that turns
  every actor's to-do list into notifications (new, due soon, overdue), marking read,
  preferences, the daily digest, and the delivery attempts;
- ``senders``: the channel interface (e-mail through Django's mail backends, SMS through a
  pluggable sender named by ``settings.SMS_SENDER``);
- ``tasks``: the django-tasks entry points; a request only enqueues, the worker sends.
"""
