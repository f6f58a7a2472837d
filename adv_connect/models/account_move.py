from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _adv_webhook_data(self):
        """{move id: the "data" of its webhook events} (customer invoices and credit notes)."""
        partner_data = self.env["adv.webhook"]._adv_partner_data
        return {
            move.id: {
                "model": move._name,
                "id": move.id,
                "name": move.name,
                "move_type": move.move_type,
                "customer": partner_data(move.partner_id),
                "invoice_origin": move.invoice_origin or None,
                "invoice_date": move.invoice_date or None,
                "invoice_date_due": move.invoice_date_due or None,
                "state": move.state,
                "payment_state": move.payment_state,
                "sent": move.is_move_sent,
                "currency": move.currency_id.name,
                "amount_untaxed": move.amount_untaxed,
                "amount_tax": move.amount_tax,
                "amount_total": move.amount_total,
                "amount_residual": move.amount_residual,
            }
            for move in self
        }
