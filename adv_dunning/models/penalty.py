"""French late-payment penalties (Code de commerce L441-10 and D441-5).

The arithmetic lives here, and only here, as pure functions so that it can be tested
on its own and reused by the run, the letters and the penalty invoice.
"""

from decimal import ROUND_HALF_UP, Decimal

# D441-5: fixed recovery indemnity per late invoice, for business customers, in euros.
RECOVERY_INDEMNITY_EUR = Decimal("40.00")


def days_late(due_date, on_date):
    """Days elapsed since the due date (0 when not yet late)."""
    if not due_date or not on_date:
        return 0
    return max((on_date - due_date).days, 0)


def late_interest(residual, annual_rate, nb_days, decimal_places=2):
    """Late-payment interest: residual x annual rate x days late / 365.

    :param residual: amount still due, in the invoice currency
    :param annual_rate: annual rate in percent (12.15 for 12.15 %)
    :param nb_days: days late (counted from the due date)
    :param decimal_places: decimals of the invoice currency, the result is rounded
        half-up to them
    :return: a float rounded to the currency's decimals
    """
    if nb_days <= 0 or not residual or not annual_rate:
        return 0.0
    amount = (
        Decimal(str(residual)) * Decimal(str(annual_rate)) / Decimal(100) * Decimal(nb_days)
    ) / Decimal(365)
    quantum = Decimal(1).scaleb(-decimal_places)
    return float(amount.quantize(quantum, rounding=ROUND_HALF_UP))


def is_rate_lawful(rate, legal_rate):
    """L441-10: the penalty rate may not be lower than three times the legal rate."""
    return Decimal(str(rate)) >= Decimal(3) * Decimal(str(legal_rate))
