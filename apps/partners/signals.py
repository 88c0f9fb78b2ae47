from django.dispatch import Signal

# Sent inside the exit transaction: sender=Partner, partner=, actor=, reason=, now=.
# Agreements, registrations and QBRs close themselves in their receivers.
partner_exited = Signal()
