"""Bids: bidder keys, the chunked upload of sealed packages, withdrawal (services.py)."""
