"""Public tender notices, open without login: pages (views.py), reads (selectors.py), urls.py."""
