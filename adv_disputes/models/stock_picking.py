from odoo import _, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    adv_dispute_ids = fields.Many2many(
        "adv.dispute",
        "adv_dispute_stock_picking_rel",
        "picking_id",
        "dispute_id",
        string="Disputes",
        copy=False,
        readonly=True,
        groups="adv_base.group_adv_user",
    )
    adv_dispute_count = fields.Integer(
        string="Dispute Count",
        compute="_compute_adv_dispute_count",
        groups="adv_base.group_adv_user",
    )
    adv_dispute_id = fields.Many2one(
        "adv.dispute",
        string="Return for Dispute",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The dispute this return resolves.",
        groups="adv_base.group_adv_user",
    )

    def _compute_adv_dispute_count(self):
        counts = dict(
            self.env["adv.dispute"]._read_group(
                [("picking_ids", "in", self.ids)], ["picking_ids"], ["__count"]
            )
        )
        for picking in self:
            picking.adv_dispute_count = counts.get(picking, 0)

    def _adv_dispute_defaults(self):
        self.ensure_one()
        orders = self.sale_id
        invoices = orders.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        return {
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_company_id": self.company_id.id,
            "default_sale_order_id": orders.id,
            "default_move_ids": invoices.ids,
            "default_picking_ids": self.ids,
        }

    def action_adv_open_dispute(self):
        """Open a new dispute form pre-filled from the delivery."""
        self.ensure_one()
        return {
            "name": _("New Dispute"),
            "type": "ir.actions.act_window",
            "res_model": "adv.dispute",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": self._adv_dispute_defaults(),
        }

    def action_adv_view_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_disputes.action_adv_dispute")
        action["domain"] = [("picking_ids", "in", self.ids)]
        action["context"] = self._adv_dispute_defaults()
        return action
