from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.adv_base.tools import ensure_decided

from .adv_dispute import OPEN_STATES


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "adv.dispute.source.mixin"]
    _adv_dispute_link_field = "move_ids"

    adv_dispute_ids = fields.Many2many(
        "adv.dispute",
        "adv_dispute_account_move_rel",
        "move_id",
        "dispute_id",
        string="Disputes",
        copy=False,
        readonly=True,
        groups="adv_base.group_adv_user,account.group_account_invoice",
    )
    adv_dispute_count = fields.Integer(
        string="Dispute Count",
        compute="_compute_adv_dispute_count",
        groups="adv_base.group_adv_user,account.group_account_invoice",
    )
    adv_is_disputed = fields.Boolean(
        string="In Dispute",
        compute="_compute_adv_is_disputed",
        store=True,
        index=True,
        help="At least one dispute on this invoice is new or in progress.",
    )
    adv_dispute_id = fields.Many2one(
        "adv.dispute",
        string="Dispute",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The dispute this credit note resolves.",
        groups="adv_base.group_adv_user,account.group_account_invoice",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("adv_dispute_ids.state")
    def _compute_adv_is_disputed(self):
        for move in self:
            move.adv_is_disputed = any(d.state in OPEN_STATES for d in move.adv_dispute_ids)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # The dispute a credit note resolves is set by the credit note wizard only: a
        # credit note tied by hand would resolve (or be counted on) any dispute.
        ensure_decided(self, {"adv_dispute_id"}, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        ensure_decided(self, {"adv_dispute_id"}, [vals])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_disputed(self):
        """A disputed invoice keeps its disputes: deleting it would silently drop it from
        their invoices (a many2many) and erase what the customer contested."""
        # sudo: a refusal, not a grant; it must hold for a user who cannot read disputes.
        disputes = self.env["adv.dispute"].sudo().search([("move_ids", "in", self.ids)], limit=1)
        if disputes:
            invoice = (disputes.move_ids & self)[:1]
            raise UserError(
                _(
                    "Invoice %(invoice)s is in dispute %(dispute)s: it cannot be deleted, the "
                    "dispute history is kept. Cancel it instead.",
                    invoice=invoice.display_name,
                    dispute=disputes.name,
                )
            )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _post(self, soft=True):
        self._adv_check_credit_note_threshold()
        posted = super()._post(soft=soft)
        # A posted dispute credit note resolves its dispute (drafts wait for validation);
        # a dispute with a return waits for the goods as well.
        disputes = posted.filtered(lambda m: m.move_type == "out_refund").adv_dispute_id
        disputes = disputes.filtered(lambda d: d.state in OPEN_STATES)
        with_returns = disputes.filtered(
            lambda d: any(p.state != "cancel" for p in d.return_picking_ids)
        )
        with_returns._resolve_received_returns()
        (disputes - with_returns)._resolve("credit_note")
        return posted

    @api.model
    def _adv_einvoice_suite_statuses(self):
        # An invoice is disputed when a dispute of the suite is open on it: an integration
        # that receives a dispute from the platform opens an ``adv.dispute``.
        return super()._adv_einvoice_suite_statuses() | {"disputed"}

    def _adv_einvoice_sync_disputes(self, dispute):
        """Move the e-invoicing status of the invoices of ``self`` after ``dispute`` changed
        (opened, closed, reopened, an invoice added or removed); ``dispute`` empty: it was
        deleted.

        An invoice in an open dispute is Disputed. One that leaves it because ``dispute``
        was resolved is Partially approved when the dispute's posted credit notes credit
        part of it, Refused when they credit all of it, Approved when none does (the
        customer got a replacement, or a return without credit note, and owes the invoice).
        One whose dispute was rejected or deleted, or that was removed from it, goes back to
        its status before the dispute. Invoices without a status (posted before the suite
        followed the reform) and those in a final status are left alone.
        """
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.adv_einvoice_status
        ).sudo()
        if not invoices:
            return
        dispute = dispute.sudo()
        disputed = invoices.filtered("adv_is_disputed")
        if dispute:
            disputed._adv_einvoice_can_move("disputed")._adv_einvoice_set_status(
                "disputed", "suite", self.env._("Dispute %(name)s opened.", name=dispute.name)
            )
        settled = (invoices - disputed).filtered(lambda m: m.adv_einvoice_status == "disputed")
        resolved = settled & dispute.move_ids if dispute.state == "resolved" else self.browse()
        if not dispute:
            note = self.env._("Dispute deleted.")
        elif dispute.state == "rejected":
            note = self.env._("Dispute %(name)s rejected.", name=dispute.name)
        else:
            note = self.env._("Invoice removed from dispute %(name)s.", name=dispute.name)
        (settled - resolved)._adv_einvoice_revert(note)
        if not resolved:
            return
        credit_notes = dispute.credit_note_ids.filtered(lambda m: m.state == "posted")
        outcome = defaultdict(lambda: self.browse())
        for invoice in resolved:
            currency = invoice.currency_id
            credited = sum(
                refund.currency_id._convert(
                    refund.amount_total, currency, invoice.company_id, refund.date
                )
                for refund in credit_notes
                if refund.reversed_entry_id == invoice
            )
            if currency.is_zero(credited):
                outcome["approved"] |= invoice
            elif currency.compare_amounts(credited, invoice.amount_total) < 0:
                outcome["partially_approved"] |= invoice
            else:
                outcome["refused"] |= invoice
        resolution = dict(dispute._fields["resolution"]._description_selection(self.env)).get(
            dispute.resolution
        )
        note = self.env._(
            "Dispute %(name)s resolved: %(resolution)s.", name=dispute.name, resolution=resolution
        )
        for status, moves in outcome.items():
            moves._adv_einvoice_can_move(status)._adv_einvoice_set_status(status, "suite", note)

    def _adv_check_credit_note_threshold(self):
        """Only an ADV manager may post the credit notes of a dispute when, together (drafts
        included), they are above the company threshold or above the disputed amount."""
        if self.env.su or self.env.user.has_group("adv_base.group_adv_manager"):
            return
        refunds = self.filtered(lambda m: m.adv_dispute_id and m.move_type == "out_refund")
        for dispute in refunds.adv_dispute_id:
            reason = dispute._get_credit_note_manager_reason()
            if reason:
                raise UserError(reason)

    # ------------------------------------------------------------
    # ACTION
    # ------------------------------------------------------------

    def _adv_dispute_defaults(self):
        self.ensure_one()
        return self.env["adv.dispute"]._dispute_defaults_from_invoices(self)

    def action_adv_open_dispute(self):
        """Open a new dispute form pre-filled from the invoice (a posted customer invoice)."""
        self.ensure_one()
        self.env["adv.dispute"]._check_invoices(self, self.commercial_partner_id)
        return super().action_adv_open_dispute()
