from odoo import models
from odoo.tools import float_compare


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _adv_paid_online(self):
        self.ensure_one()
        # sudo: payment transactions are accounting data a salesman cannot read; only their
        # total is used, for the check.
        paid = sum(
            tx.amount
            for tx in self.sudo().transaction_ids
            if tx.state in ("authorized", "done") and tx.currency_id == self.currency_id
        )
        return (
            float_compare(paid, self.amount_total, precision_rounding=self.currency_id.rounding)
            >= 0
        )
