from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    adv_dunning_policy_id = fields.Many2one(
        related="company_id.adv_dunning_policy_id", readonly=False
    )
    adv_dunning_ecb_rate = fields.Float(related="company_id.adv_dunning_ecb_rate", readonly=False)
    adv_dunning_legal_rate = fields.Float(
        related="company_id.adv_dunning_legal_rate", readonly=False
    )
    adv_dunning_penalty_rate = fields.Float(
        related="company_id.adv_dunning_penalty_rate", readonly=False
    )
    adv_credit_hold_auto_release = fields.Boolean(
        related="company_id.adv_credit_hold_auto_release", readonly=False
    )
