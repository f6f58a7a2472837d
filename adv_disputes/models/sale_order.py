from odoo import fields, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "adv.dispute.source.mixin"]
    _adv_dispute_link_field = "sale_order_id"

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
