"""Onboarding and people: an enterprise applies to join, the regulator reviews; each
organisation's administrator manages its own staff; everyone has a personal centre."""
