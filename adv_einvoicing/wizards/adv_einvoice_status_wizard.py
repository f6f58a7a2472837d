from odoo import fields, models

from ..models.einvoice_status import SELECTION


class AdvEinvoiceStatusWizard(models.TransientModel):
    _name = "adv.einvoice.status.wizard"
    _description = "Set the E-invoicing Status"

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')), ('state', '=', 'posted')]",
    )
    status = fields.Selection(
        SELECTION,
        string="New Status",
        required=True,
        help="What the platform or the customer says of the invoice. Collected is set by the "
        "suite from the payments, Disputed from the disputes.",
    )
    note = fields.Text(help="Kept in the invoice's e-invoicing history (at most 2,000 characters).")

    # ------------------------------------------------------------
    # ACTION
    # ------------------------------------------------------------

    def action_apply(self):
        """Check, then move the invoices to the status (origin "User" in the history)."""
        self.ensure_one()
        # The invoices as the user sees them: the checks are the user's, not the wizard's.
        moves = self.move_ids.with_env(self.env)
        note = (self.note or "").strip()
        moves._adv_einvoice_ensure_can_set_status(self.status, note)
        moves._adv_einvoice_set_status(self.status, "user", note)
        return {"type": "ir.actions.act_window_close"}
