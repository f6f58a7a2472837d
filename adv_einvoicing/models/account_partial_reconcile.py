from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def unlink(self):
        # Every unreconciliation (unreconcile, a payment cancelled or reset to draft, an
        # invoice reset to draft) deletes partials: their invoices may no longer be paid.
        moves = (self.debit_move_id | self.credit_move_id).move_id
        res = super().unlink()
        moves.exists()._adv_einvoice_sync_payment()
        return res
