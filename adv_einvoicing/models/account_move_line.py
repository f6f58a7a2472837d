from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _reconcile_post_hook(self, data):
        # Every reconciliation (a payment registered, a bank statement matched, a credit note
        # or an outstanding payment applied) ends here, once for all its lines: the invoices
        # it paid in full become collected.
        res = super()._reconcile_post_hook(data)
        self.move_id._adv_einvoice_sync_payment()
        return res
