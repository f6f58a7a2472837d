from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.adv_base.tools import ensure_decided

from .einvoice_status import CODE_BY_STATUS, SELECTION, next_statuses, to_status

# The documents of the reform among Odoo's: customer invoices and credit notes (the credit
# note is an invoice of its own there, type 381). Receipts are no invoices.
EINVOICE_MOVE_TYPES = ("out_invoice", "out_refund")
# "Paid in full" for Odoo: reconciled with payments, or registered and waiting for the bank
# statement ("in payment", which Odoo Community shows as paid). A fully credited invoice
# ("reversed") was not paid: it is not collected.
COLLECTED_PAYMENT_STATES = ("paid", "in_payment")
# Bounds of one call from a user or an integration.
MAX_INVOICES_PER_CALL = 1000
MAX_NOTE_LENGTH = 2000


class AccountMove(models.Model):
    _inherit = "account.move"

    adv_einvoice_status = fields.Selection(
        SELECTION,
        string="E-invoicing Status",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Life-cycle status of the invoice under the French e-invoicing reform. Set to "
        "Deposited when the invoice is posted; moved by the suite on a dispute or a payment in "
        "full, by an ADV user or by the platform integration otherwise.",
    )
    adv_einvoice_status_code = fields.Char(
        string="E-invoicing Status Code",
        compute="_compute_adv_einvoice_status_code",
        help="Code of the status in the reform (200 to 213).",
    )
    adv_einvoice_history_ids = fields.One2many(
        "adv.einvoice.status.history",
        "move_id",
        string="E-invoicing History",
        readonly=True,
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("adv_einvoice_status")
    def _compute_adv_einvoice_status_code(self):
        for move in self:
            move.adv_einvoice_status_code = CODE_BY_STATUS.get(move.adv_einvoice_status, False)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # The status is written by ``_adv_einvoice_write`` only, which keeps its history.
        ensure_decided(self, {"adv_einvoice_status"}, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        ensure_decided(self, {"adv_einvoice_status"}, [vals])
        res = super().write(vals)
        if "matched_payment_ids" in vals:
            # A payment without journal entry is linked to its invoices here, after it is
            # posted, and pays them without any reconciliation.
            self._adv_einvoice_sync_payment()
        return res

    # ------------------------------------------------------------
    # ACTION
    # ------------------------------------------------------------

    def action_adv_einvoice_open_status_wizard(self):
        """Open the wizard that sets the e-invoicing status of the invoices (ADV users)."""
        self._adv_einvoice_ensure_can_set_status()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "adv_einvoicing.action_adv_einvoice_status_wizard"
        )
        action["context"] = {"default_move_ids": self.ids}
        return action

    def adv_einvoice_set_status(self, status, note=None):
        """Set the e-invoicing status of the invoices: the external API of the platform
        integration (origin "Integration" in the history).

        :param status: the status key ("approved") or its code in the reform ("205")
        :param note: optional text kept in the history (at most 2,000 characters)

        Only an ADV user may call it, on at most 1,000 posted customer invoices or credit
        notes at a time; the statuses the suite moves itself (Collected, and Disputed with
        ADV Disputes) and a status that may not follow the current one are refused, before
        anything is written.
        """
        self._adv_einvoice_ensure_can_set_status(status, note)
        self._adv_einvoice_set_status(status, "integration", note)
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # Posting makes the invoice final: it enters the reform's life cycle as deposited.
        # An invoice reset to draft and posted again keeps the status it had.
        posted.filtered(
            lambda m: m.move_type in EINVOICE_MOVE_TYPES and not m.adv_einvoice_status
        )._adv_einvoice_set_status("deposited", "suite", self.env._("Invoice posted."))
        return posted

    @api.model
    def _adv_einvoice_suite_statuses(self):
        """The statuses only the suite sets, from what it knows: no user or integration may
        set them (override hook: ADV Disputes adds "disputed")."""
        return {"collected"}

    def _adv_einvoice_ensure_can_set_status(self, status=None, note=None):
        """Raise unless the current user may set ``status`` on these invoices by hand or
        through the API (``status`` None: any status, for the wizard's button)."""
        if not self.env.su and not self.env.user.has_group("adv_base.group_adv_user"):
            raise AccessError(
                self.env._("Only an ADV user may set the e-invoicing status of an invoice.")
            )
        if not self:
            raise UserError(self.env._("Choose at least one invoice."))
        if len(self) > MAX_INVOICES_PER_CALL:
            raise UserError(
                self.env._(
                    "At most %(limit)s invoices at a time (%(count)s given).",
                    limit=MAX_INVOICES_PER_CALL,
                    count=len(self),
                )
            )
        if note and len(note) > MAX_NOTE_LENGTH:
            raise UserError(
                self.env._(
                    "The note is %(length)s characters long; at most %(limit)s.",
                    length=len(note),
                    limit=MAX_NOTE_LENGTH,
                )
            )
        self.check_access("read")
        others = self.filtered(
            lambda m: m.move_type not in EINVOICE_MOVE_TYPES or m.state != "posted"
        )
        if others:
            raise UserError(
                self.env._(
                    "%(move)s is not a posted customer invoice or credit note: it has no "
                    "e-invoicing status.",
                    move=others[0].display_name,
                )
            )
        if status is None:
            return
        key = to_status(status)
        if not key:
            raise UserError(
                self.env._(
                    "Unknown e-invoicing status %(status)r: give a status of the reform or its "
                    "code (200 to 213).",
                    status=status,
                )
            )
        if key in self._adv_einvoice_suite_statuses():
            raise UserError(
                self.env._(
                    'The status "%(status)s" is set by the ADV Suite itself, from the '
                    "invoice's payments and disputes.",
                    status=self._adv_einvoice_status_label(key),
                )
            )

    def _adv_einvoice_set_status(self, status, origin, note=None):
        """Move the invoices to ``status`` (a key or a code) and keep it in their history.

        The transition is checked for every invoice before anything is written; callers that
        must not fail (the suite's own moves) filter with ``_adv_einvoice_can_move`` first.
        """
        key = to_status(status)
        if not key:
            raise UserError(self.env._("Unknown e-invoicing status %(status)r.", status=status))
        refused = self.filtered(lambda m: key not in next_statuses(m.adv_einvoice_status))
        if refused:
            move = refused[0]
            raise UserError(
                self.env._(
                    'Invoice %(move)s cannot go from "%(current)s" to "%(status)s" in the '
                    "e-invoicing life cycle.",
                    move=move.display_name,
                    current=self._adv_einvoice_status_label(move.adv_einvoice_status)
                    or self.env._("no status"),
                    status=self._adv_einvoice_status_label(key),
                )
            )
        self._adv_einvoice_write(dict.fromkeys(self.ids, key), origin, note)

    def _adv_einvoice_can_move(self, status):
        """The invoices of ``self`` that may go to ``status``."""
        key = to_status(status)
        return self.filtered(lambda m: key in next_statuses(m.adv_einvoice_status))

    def _adv_einvoice_revert(self, note=None):
        """Take the invoices back to the status they had before their current one, as the
        suite, when what moved them is undone (a dispute rejected, a payment unreconciled).

        The status before is read from the row of the history that set the current one.
        """
        if not self:
            return
        history = self.env["adv.einvoice.status.history"]
        history.flush_model(["move_id", "previous_status"])
        rows = self.env.execute_query(
            SQL(
                """
SELECT DISTINCT ON (move_id) move_id, previous_status
  FROM adv_einvoice_status_history
 WHERE move_id IN %s
 ORDER BY move_id, id DESC""",
                tuple(self.ids),
            )
        )
        targets = {move_id: previous for move_id, previous in rows if previous}
        self.browse(targets)._adv_einvoice_write(targets, "suite", note)

    def _adv_einvoice_write(self, targets, origin, note=None):
        """The one writer of the status: ``targets`` maps invoice ids to their new status.

        One UPDATE per distinct status and one INSERT of the history rows, whatever the
        number of invoices. Written as the system: the status and its history are the
        suite's own bookkeeping of a move already checked (by the caller's access to the
        invoice, the posting, the reconciliation, the dispute, or the ADV user group), and
        nobody may write either directly.
        """
        if not targets:
            return
        moves = self.browse(targets).sudo()
        moves.flush_recordset(["adv_einvoice_status"])
        now = fields.Datetime.now()
        history_vals = [
            {
                "move_id": move.id,
                "company_id": move.company_id.id,
                "status": targets[move.id],
                "previous_status": move.adv_einvoice_status or False,
                "date": now,
                "user_id": self.env.uid,
                "origin": origin,
                "note": note or False,
            }
            for move in moves
        ]
        by_status = defaultdict(list)
        for move_id, status in targets.items():
            by_status[status].append(move_id)
        # Shortcut: SQL rather than ``write``. ``account.move.write`` re-synchronises the
        # dynamic lines and checks the balance of every move it writes, a few queries per
        # invoice, for a field no accounting reads; it would also tick "manually modified"
        # and change the write date of an invoice nobody edited. What it gives up is done
        # here: the cache is invalidated and the fields that depend on the status are
        # marked (``modified``), as the ORM would (see test_shortcut_matches_the_orm).
        for status, move_ids in by_status.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET adv_einvoice_status = %s WHERE id IN %s",
                    status,
                    tuple(move_ids),
                )
            )
        moves.invalidate_recordset(["adv_einvoice_status"])
        moves.modified(["adv_einvoice_status"])
        self.env["adv.einvoice.status.history"].sudo().create(history_vals)

    def _adv_einvoice_sync_payment(self):
        """Move the customer invoices paid in full to Collected, and back to their status
        before when they are no longer paid in full (payment unreconciled, cancelled, reset
        to draft). Called after every reconciliation and unreconciliation, in batch."""
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.adv_einvoice_status
        ).sudo()
        if not invoices:
            return
        paid = invoices.filtered(
            lambda m: m.state == "posted" and m.payment_state in COLLECTED_PAYMENT_STATES
        )
        paid._adv_einvoice_can_move("collected")._adv_einvoice_set_status(
            "collected", "suite", self.env._("Paid in full.")
        )
        (invoices - paid).filtered(
            lambda m: m.adv_einvoice_status == "collected"
        )._adv_einvoice_revert(self.env._("No longer paid in full: the payment was undone."))

    def _adv_einvoice_status_label(self, status):
        labels = dict(self._fields["adv_einvoice_status"]._description_selection(self.env))
        label = labels.get(status)
        return label and f"{CODE_BY_STATUS[status]} {label}"
