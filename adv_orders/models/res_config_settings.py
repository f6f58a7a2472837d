from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    adv_invoicing_rhythm_default = fields.Selection(
        related="company_id.adv_invoicing_rhythm_default", readonly=False
    )
    adv_invoicing_weekday = fields.Selection(
        related="company_id.adv_invoicing_weekday", readonly=False
    )
