from odoo import models


class AdvDunningCommunication(models.Model):
    _inherit = "adv.dunning.communication"

    def _adv_webhook_data(self):
        """{reminder id: the "data" of its webhook events}: level, channel, amounts claimed
        and the invoices it lists (bounded)."""
        bounded = self.env["adv.webhook"]._adv_bounded
        partner_data = self.env["adv.webhook"]._adv_partner_data
        result = {}
        for reminder in self:
            lines, truncated = bounded(reminder.line_ids)
            result[reminder.id] = {
                "model": reminder._name,
                "id": reminder.id,
                "name": reminder.name,
                "customer": partner_data(reminder.partner_id),
                "date": reminder.date,
                "level": reminder.level_id.name,
                "formal_notice": reminder.formal_notice,
                "channel": reminder.channel,
                "state": reminder.state,
                "currency": reminder.currency_id.name,
                "amount_residual": reminder.amount_residual,
                "amount_interest": reminder.amount_interest,
                "amount_indemnity": reminder.amount_indemnity,
                "amount_total": reminder.amount_total,
                "invoices": [
                    {
                        "name": line.move_id.name,
                        "date_due": line.date_due or None,
                        "days_late": line.days_late,
                        "amount_residual": line.amount_residual,
                    }
                    for line in lines
                ],
                "invoices_truncated": truncated,
            }
        return result
