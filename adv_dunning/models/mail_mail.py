from odoo import api, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def _adv_requeue_domains(self):
        # Reminder e-mails, whoever sent them (the nightly run or a clerk).
        return [*super()._adv_requeue_domains(), [("model", "=", "adv.dunning.communication")]]
