from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    adv_dispute_credit_note_threshold = fields.Monetary(
        string="Dispute Credit Note Threshold",
        currency_field="currency_id",
        help="A dispute credit note above this amount (tax included) may only be validated by "
        "an ADV manager. Zero: no threshold.",
    )
