from odoo import fields, models


class AdvDisputeRejectWizard(models.TransientModel):
    _name = "adv.dispute.reject.wizard"
    _description = "Reject a Dispute"

    dispute_id = fields.Many2one("adv.dispute", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="Why the customer's claim is not founded.")

    def action_reject(self):
        self.ensure_one()
        self.dispute_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
