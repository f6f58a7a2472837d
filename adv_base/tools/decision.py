"""Fields that record a decision are written only by the methods that make the decision.

The conformity state of an order, its waiver and hold, a customer's credit hold: each is
decided by a method of the suite that checks who may decide (``action_adv_waive`` checks
the ADV manager group, ``_adv_check`` runs the rules...). Those methods write through
``decided(records)``; the models refuse any other write or create of these fields
(``ensure_decided``), whoever the user and whatever the path: web client, external API,
import, another module's plain ``write``.

Why a private object and not a context flag: a client sends its context as JSON, so it can
put any key with any string, number or list in it, but never this very Python object. A
write that holds it was made by server code that imported it on purpose.
"""

from odoo.exceptions import AccessError

_CONTEXT_KEY = "adv_decision"
_TOKEN = object()


def with_server_flag(records, flag):
    """Return ``records`` with ``flag`` set in a way only server code can: the context
    carries the private token under that key, which no JSON value from a client can be.
    For what a client must never decide: a commit between batches, an access check left
    out, a decision written."""
    return records.with_context(**{flag: _TOKEN})


def has_server_flag(records, flag):
    """Whether ``flag`` was set by ``with_server_flag`` (a client's value never counts)."""
    return records.env.context.get(flag) is _TOKEN


def decided(records):
    """Return ``records`` allowed to write their decision fields (server code only)."""
    return with_server_flag(records, _CONTEXT_KEY)


def is_decided(records):
    """Whether ``records`` were obtained through ``decided``."""
    return has_server_flag(records, _CONTEXT_KEY)


def ensure_decided(records, protected, vals_list, create=False):
    """Refuse ``vals_list`` (create or write values) that set one of the ``protected``
    fields of ``records`` outside a decision method; on ``create``, context defaults too."""
    if is_decided(records):
        return
    written = {fname for vals in vals_list for fname in vals if fname in protected}
    if create:
        written |= {
            key[len("default_") :]
            for key in records.env.context
            if key.startswith("default_") and key[len("default_") :] in protected
        }
    if written:
        labels = sorted(
            records._fields[fname]._description_string(records.env) for fname in written
        )
        raise AccessError(
            records.env._(
                "%(fields)s can only be changed by the ADV Suite's own actions (a check, a "
                "waiver, a release, a dispute's workflow...), not written directly.",
                fields=", ".join(labels),
            )
        )
