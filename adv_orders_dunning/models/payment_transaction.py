from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        # An order confirmed by its online payment is not blocked by the credit hold.
        return super(
            PaymentTransaction, self.with_context(adv_dunning_skip_credit_hold=True)
        )._check_amount_and_confirm_order()
