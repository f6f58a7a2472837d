"""The life-cycle statuses of an invoice under the French e-invoicing reform, and which
status may follow which. Pure data and functions, apart from the ORM (tested alone).

Source: DGFiP, *Dossier de spécifications externes de la facturation électronique*
(réforme de la facturation électronique entre entreprises, articles 289 bis and 290 of the
Code général des impôts), chapter "Cycle de vie des factures", and the AFNOR standard
XP Z12-012 (exchanges between the platforms). Each status keeps its code there: the
platform (PDP) and the administration exchange the code, the ADV team reads the label.

The reform's list also has 209 *Complétée* and 213 *Rejetée*; both are kept:

- 213 *Rejetée* is one of the four statuses the reform makes mandatory (with 200
  *Déposée*, 210 *Refusée* and 212 *Encaissée*): the platform refuses the file at
  reception (format, mandatory mentions), and the invoice counts as never issued;
- 209 *Complétée* is the only way out of 208 *Suspendue* that keeps the invoice alive:
  the buyer suspends it for a missing piece (an order number...), the seller completes it.
"""

# (key, code, label): the key is what the code of the suite reads, the code what the
# platforms exchange.
STATUSES = (
    ("deposited", "200", "Deposited"),
    ("issued", "201", "Issued by the platform"),
    ("received", "202", "Received by the platform"),
    ("made_available", "203", "Made available"),
    ("taken_in_charge", "204", "Taken in charge"),
    ("approved", "205", "Approved"),
    ("partially_approved", "206", "Partially approved"),
    ("disputed", "207", "Disputed"),
    ("suspended", "208", "Suspended"),
    ("completed", "209", "Completed"),
    ("refused", "210", "Refused"),
    ("payment_sent", "211", "Payment sent"),
    ("collected", "212", "Collected"),
    ("rejected", "213", "Rejected"),
)

SELECTION = [(key, label) for key, _code, label in STATUSES]
CODE_BY_STATUS = {key: code for key, code, _label in STATUSES}
STATUS_BY_CODE = {code: key for key, code, _label in STATUSES}

# The transmission of the invoice, from the seller's deposit to the buyer's taking it in
# charge: in this order, never back.
TRANSMISSION = ("deposited", "issued", "received", "made_available", "taken_in_charge")
# What the buyer (or the seller, for payment) says of the invoice once received. The
# platforms do not always pass every transmission status on: processing may follow any
# status that is not final.
PROCESSING = (
    "approved",
    "partially_approved",
    "disputed",
    "suspended",
    "refused",
    "payment_sent",
    "collected",
)
# The platform rejects a file when it arrives, before the buyer is given it.
REJECTABLE = ("deposited", "issued", "received")
# Nothing follows: a refused or rejected invoice is cancelled by a credit note, a collected
# one is settled. Only the suite undoes "collected" when the payment is undone.
FINAL = frozenset({"refused", "rejected", "collected"})


def to_status(value):
    """The status key of ``value``, a key ("disputed") or a code ("207"); None if unknown."""
    if value in CODE_BY_STATUS:
        return value
    return STATUS_BY_CODE.get(value)


def next_statuses(status):
    """The statuses that may follow ``status`` (False or None: the invoice has none yet)."""
    if status in FINAL:
        return frozenset()
    allowed = set(PROCESSING)
    if not status:
        allowed |= set(TRANSMISSION) | {"rejected"}
    elif status in TRANSMISSION:
        allowed |= set(TRANSMISSION[TRANSMISSION.index(status) + 1 :])
        if status in REJECTABLE:
            allowed.add("rejected")
    if status == "suspended":
        allowed.add("completed")
    allowed.discard(status)
    return frozenset(allowed)


def can_follow(current, status):
    """Whether ``status`` may follow ``current``."""
    return status in next_statuses(current)
