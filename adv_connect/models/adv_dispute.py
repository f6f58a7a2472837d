from odoo import models


class AdvDispute(models.Model):
    _inherit = "adv.dispute"

    def _adv_webhook_data(self):
        """{dispute id: the "data" of its webhook events}: customer, reason, state and, once
        closed, its resolution."""
        partner_data = self.env["adv.webhook"]._adv_partner_data
        bounded = self.env["adv.webhook"]._adv_bounded
        result = {}
        for dispute in self:
            invoices, truncated = bounded(dispute.move_ids.mapped("name"))
            result[dispute.id] = {
                "model": dispute._name,
                "id": dispute.id,
                "name": dispute.name,
                "customer": partner_data(dispute.partner_id),
                "reason": dispute.reason,
                "origin": dispute.origin or None,
                "state": dispute.state,
                "resolution": dispute.resolution or None,
                "date_open": dispute.date_open or None,
                "date_closed": dispute.date_closed or None,
                "currency": dispute.currency_id.name,
                "amount": dispute.amount,
                "sale_order": dispute.sale_order_id.name or None,
                "invoices": invoices,
                "invoices_truncated": truncated,
            }
        return result
