"""The tenderer's (or its agency's) pages to create a tender and act on it (views.py)."""
