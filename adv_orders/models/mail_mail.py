from odoo import api, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def _adv_requeue_domains(self):
        # The invoices the invoicing run posted and e-mailed, not every invoice of the
        # database: installing the suite retries nothing that was there before.
        invoices = (
            self.env["account.move"]
            .sudo()
            ._search([("adv_invoicing_run_id", "!=", False), ("move_type", "=", "out_invoice")])
        )
        return [
            *super()._adv_requeue_domains(),
            [("model", "=", "account.move"), ("res_id", "in", invoices)],
        ]
