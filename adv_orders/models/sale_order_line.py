from odoo import api, models

# Changing one of these makes the order "to check" again (and lifts a waiver): the
# default of _adv_conformity_trigger_fields.
ADV_LINE_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "product_packaging_id",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._adv_mark_to_check()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if self._adv_conformity_trigger_fields() & vals.keys():
            self.order_id._adv_mark_to_check()
        return res

    @api.model
    def _adv_conformity_trigger_fields(self):
        """Line fields whose change sends a checked (or waived) quotation back to "to
        check". Override to add the fields a new rule type reads (see readme/DEVELOP.md)."""
        return set(ADV_LINE_FIELDS)

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._adv_mark_to_check()
        return res
