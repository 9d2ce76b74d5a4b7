"""结算审计: models."""
