from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Invoicing run (issue 8): when customers without their own rhythm are invoiced.
    adv_invoicing_rhythm_default = fields.Selection(
        [
            ("delivery", "At delivery"),
            ("weekly", "Weekly"),
            ("monthly", "Monthly (end of month)"),
        ],
        string="Default Invoicing Rhythm",
        default="delivery",
        required=True,
        help="Rhythm of the customers who have none of their own.",
    )
    adv_invoicing_weekday = fields.Selection(
        [
            ("0", "Monday"),
            ("1", "Tuesday"),
            ("2", "Wednesday"),
            ("3", "Thursday"),
            ("4", "Friday"),
            ("5", "Saturday"),
            ("6", "Sunday"),
        ],
        string="Weekly Invoicing Day",
        default="0",
        required=True,
        help="Day on which the customers invoiced weekly are invoiced.",
    )
