"""Demo of BIM (filled in below)."""


def seed() -> dict:
    return {}
