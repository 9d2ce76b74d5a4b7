"""竣工结算: models."""
