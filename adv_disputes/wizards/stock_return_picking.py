from odoo import models
from odoo.tools import float_round


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _adv_set_disputed_quantities(self, dispute):
        """Propose the disputed quantities of each product (everything delivered if the
        dispute has no lines), capped at what the delivery move carried."""
        self.ensure_one()
        disputed = {}
        for line in dispute.line_ids:
            disputed[line.product_id] = disputed.get(line.product_id, 0.0) + line.quantity
        has_lines = bool(disputed)
        for return_line in self.product_return_moves:
            move = return_line.move_id
            wanted = disputed.get(return_line.product_id, 0.0) if has_lines else move.quantity
            if has_lines:
                disputed[return_line.product_id] = wanted - min(wanted, move.quantity)
            return_line.quantity = float_round(
                min(wanted, move.quantity), precision_rounding=move.product_uom.rounding
            )

    def _create_return(self):
        dispute = self.env["adv.dispute"].browse(self.env.context.get("adv_dispute_id"))
        if dispute:
            # Guard before anything is written: the dispute may have been closed meanwhile.
            dispute._ensure_can_return()
        new_picking = super()._create_return()
        if dispute:
            # The dispute is resolved once the goods are received, not when they are asked for.
            dispute._start_return(new_picking)
        return new_picking
