from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Marker so that the "Sales Administration" block can be located by the other addons.
    adv_settings_enabled = fields.Boolean(
        string="ADV settings", default=True, store=False, readonly=True
    )
