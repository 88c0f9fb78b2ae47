"""Domain events of the program app (catalogue: docs/ARCHITECTURE.md, "Domain events").

Sent after commit (apps.core.events.send_after_commit), sender=ExchangeRate.
"""

from __future__ import annotations

from django.dispatch import Signal

# An exchange rate was added or changed: currency=, effective_date= (figures stored without a
# rate in force on their date may be converted now).
exchange_rate_saved = Signal()
