"""Per-worker payroll signatures (第三十一条): each line signed or disputed on its own
(services.py); the paper-sheet upload stays in the wages services."""
