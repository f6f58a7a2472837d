from odoo import api, fields, models
from odoo.tools import float_compare

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

    adv_promised_date = fields.Datetime(
        string="Promised Date",
        compute="_compute_adv_promised_date",
        store=True,
        precompute=True,
        index=True,
        copy=False,
        help="Delivery date committed to the customer for this line: the requested delivery "
        "date of the order, else, once the order is confirmed, the confirmation date plus the "
        "line's lead time.",
    )

    # ------------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------------

    @api.depends(
        "display_type",
        "customer_lead",
        "order_id.commitment_date",
        "order_id.state",
        "order_id.date_order",
    )
    def _compute_adv_promised_date(self):
        # The one definition of the promised date: the order's next promise, the late list,
        # the delivery alerts and the OTIF KPI (adv_kpi) all read this field.
        # The rule is the deadline Odoo itself gives the line's deliveries (sale_stock writes
        # it on the moves): the order's requested delivery date (commitment_date) when the
        # customer gave one, else the confirmation date plus the line's lead time
        # (_expected_date()), moved by Odoo when the lead time or the requested date is
        # changed. Before confirmation the expected date moves with today: no promise yet.
        # What is not read is the deadline on the moves themselves: a date logistics edits
        # on a delivery (or a backorder carries) is a new plan, not a new promise.
        for line in self:
            order = line.order_id
            if line.display_type:
                line.adv_promised_date = False
            elif order.commitment_date:
                line.adv_promised_date = order.commitment_date
            elif order.state == "sale":
                line.adv_promised_date = line._expected_date()
            else:
                line.adv_promised_date = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    def _adv_promised_goods(self):
        """The lines whose promised date is tracked: goods, ordered, with a promise (the
        lines the OTIF KPI counts)."""
        return self.filtered(
            lambda line: (
                not line.display_type
                and line.product_id.type == "consu"
                and line.product_uom_qty > 0
                and line.adv_promised_date
            )
        )

    def _adv_delivered_in_full(self):
        """The lines whose delivered quantity covers the ordered quantity."""
        return self.filtered(
            lambda line: (
                float_compare(
                    line.qty_delivered,
                    line.product_uom_qty,
                    precision_rounding=line.product_uom.rounding or 0.01,
                )
                >= 0
            )
        )

    def _adv_delivered_late(self):
        """The lines whose last delivery was done after the day of their promise (in the
        user's time zone, as the OTIF KPI reads it)."""
        orders = self.env["sale.order"]

        def last_delivery(line):
            dates = [
                move.date
                for move in line.move_ids
                if move.state == "done" and move.location_dest_id.usage == "customer"
            ]
            return max(dates, default=None)

        return self.filtered(
            lambda line: (
                (done := last_delivery(line))
                and orders._adv_local_date(done) > orders._adv_local_date(line.adv_promised_date)
            )
        )
