"""The 实名制 page's record forms: safety education and training, certificates, exit (退场)."""
