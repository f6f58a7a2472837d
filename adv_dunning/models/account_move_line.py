from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def reconcile(self):
        """A payment reconciled with a customer's invoices may lift its credit hold
        (company setting "Lift credit holds on payment")."""
        res = super().reconcile()
        receivable = self.filtered(
            lambda line: line.partner_id and line.account_id.account_type == "asset_receivable"
        )
        for company, lines in receivable.grouped("company_id").items():
            lines.partner_id.with_company(company)._adv_dunning_release_paid_holds()
        return res
