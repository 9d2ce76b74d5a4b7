"""Award: concluding the evaluation, candidates, the award decision, reports and bond refunds
(services.py), their API (api.py) and the notices as PDFs (pdf.py)."""
