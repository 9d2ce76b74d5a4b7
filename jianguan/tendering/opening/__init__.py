"""Bid opening (开标): opening the tender, unsealing each bid, closing the opening (services.py)."""
