from odoo import fields, models


class AdvConformityWaiveWizard(models.TransientModel):
    _name = "adv.conformity.waive.wizard"
    _description = "Waive Order Conformity Findings"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    finding_ids = fields.One2many(related="order_id.adv_finding_ids", string="Findings")
    reason = fields.Text(required=True, help="Why the order may be confirmed despite its findings.")
    confirm_order = fields.Boolean(
        string="Confirm the Order", help="Confirm the order right after the waiver."
    )

    def action_waive(self):
        self.ensure_one()
        self.order_id.action_adv_waive(self.reason)
        if self.confirm_order:
            return self.order_id.action_confirm()
        return {"type": "ir.actions.act_window_close"}
