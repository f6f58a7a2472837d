from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    adv_dispute_credit_note_threshold = fields.Monetary(
        related="company_id.adv_dispute_credit_note_threshold",
        currency_field="currency_id",
        readonly=False,
    )
