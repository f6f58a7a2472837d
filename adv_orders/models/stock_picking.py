from odoo import _, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def button_validate(self):
        """A delivery of an order on hold waits for an ADV manager's release."""
        # sudo: a warehouse user may validate a delivery of an order it cannot read; the
        # hold is read for this guard only.
        held = (
            self.sudo()
            .filtered(lambda p: p.picking_type_code == "outgoing" and p.sale_id.adv_hold)
            .sale_id
        )
        if held:
            raise UserError(
                _(
                    "The delivery cannot be validated: order %(orders)s is on hold. An ADV "
                    "manager must release it first.",
                    orders=", ".join(held.mapped("name")),
                )
            )
        return super().button_validate()
