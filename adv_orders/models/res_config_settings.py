from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    adv_price_tolerance = fields.Float(related="company_id.adv_price_tolerance", readonly=False)
    adv_max_discount = fields.Float(related="company_id.adv_max_discount", readonly=False)
    adv_auto_confirm = fields.Boolean(related="company_id.adv_auto_confirm", readonly=False)
    adv_order_ack_enabled = fields.Boolean(
        related="company_id.adv_order_ack_enabled", readonly=False
    )
    adv_invoicing_run_enabled = fields.Boolean(
        related="company_id.adv_invoicing_run_enabled", readonly=False
    )
    adv_late_alert_days = fields.Integer(related="company_id.adv_late_alert_days", readonly=False)
    adv_import_max_lines = fields.Integer(related="company_id.adv_import_max_lines", readonly=False)
    adv_invoicing_rhythm_default = fields.Selection(
        related="company_id.adv_invoicing_rhythm_default", readonly=False
    )
    adv_invoicing_weekday = fields.Selection(
        related="company_id.adv_invoicing_weekday", readonly=False
    )
