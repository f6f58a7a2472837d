from odoo import _, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    adv_dispute_ids = fields.One2many(
        "adv.dispute",
        "sale_order_id",
        string="Disputes",
        groups="adv_base.group_adv_user",
    )
    adv_dispute_count = fields.Integer(
        string="Dispute Count",
        compute="_compute_adv_dispute_count",
        groups="adv_base.group_adv_user",
    )

    def _compute_adv_dispute_count(self):
        counts = dict(
            self.env["adv.dispute"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.adv_dispute_count = counts.get(order, 0)

    def _adv_dispute_defaults(self):
        self.ensure_one()
        invoices = self.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        return {
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_company_id": self.company_id.id,
            "default_sale_order_id": self.id,
            "default_move_ids": invoices.ids,
            "default_picking_ids": self.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
            ).ids,
        }

    def action_adv_open_dispute(self):
        """Open a new dispute form pre-filled from the order."""
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
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = self._adv_dispute_defaults()
        return action
