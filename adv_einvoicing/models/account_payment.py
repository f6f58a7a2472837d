from odoo import models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        # A payment without journal entry (no outstanding account) pays its invoices without
        # any reconciliation: their payment state follows the payment's state.
        if "state" not in vals and "invoice_ids" not in vals:
            return super().write(vals)
        invoices = self.invoice_ids
        res = super().write(vals)
        (invoices | self.invoice_ids)._adv_einvoice_sync_payment()
        return res
