"""The seam between the edge (wa_gateway) and the engine.

`message_received` is sent by `wa_gateway.tasks.process_inbound` for each inbound event,
inside the transaction that holds the customer's Chat row lock; kwargs: `event`
(`dialog_engine.events.IncomingMessage`).
"""

from django.dispatch import Signal

message_received = Signal()
