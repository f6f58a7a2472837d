from odoo import api, fields, models

from odoo.addons.adv_base.tools import ensure_decided


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "adv.dispute.source.mixin"]
    _adv_dispute_link_field = "picking_ids"

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

    @api.model_create_multi
    def create(self, vals_list):
        # The dispute a return resolves is set by the dispute's return only.
        ensure_decided(self, {"adv_dispute_id"}, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        ensure_decided(self, {"adv_dispute_id"}, [vals])
        return super().write(vals)

    def _action_done(self):
        res = super()._action_done()
        # Receiving the goods of a dispute's return resolves the dispute. As the system: the
        # warehouse user who validates the receipt need not have rights on disputes.
        self.sudo().adv_dispute_id._resolve_received_returns()
        return res

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
