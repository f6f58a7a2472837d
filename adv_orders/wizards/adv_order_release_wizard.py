from odoo import fields, models


class AdvOrderReleaseWizard(models.TransientModel):
    _name = "adv.order.release.wizard"
    _description = "Release Orders on Hold"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    reason = fields.Text(
        required=True, help="Why the held orders may be delivered and invoiced after all."
    )

    def action_release(self):
        self.ensure_one()
        # The order method checks the manager group and the reason (server-side guard).
        self.order_ids.action_adv_release_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
