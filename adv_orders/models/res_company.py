from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Defaults used when a conformity rule leaves its own parameter empty.
    adv_price_tolerance = fields.Float(
        string="Price Tolerance (%)",
        default=5.0,
        help="How far below the pricelist price a unit price may go before the order is flagged.",
    )
    adv_max_discount = fields.Float(
        string="Maximum Discount (%)",
        default=30.0,
        help="Discounts above this rate are flagged on the order.",
    )
    adv_auto_confirm = fields.Boolean(
        string="Confirm Conform Orders Automatically",
        help="A scheduled action confirms the quotations marked ready that have no finding.",
    )
    adv_order_ack_enabled = fields.Boolean(
        string="Order Acknowledgment",
        help="On confirmation, each order is acknowledged to the customer by e-mail with the "
        "order PDF: committed delivery date, lines, prices and conditions. Orders confirmed "
        "before the setting was on are not acknowledged.",
    )
    adv_late_alert_days = fields.Integer(
        string="Delivery Alert (days)",
        default=2,
        help="The responsible clerk gets an activity when an order's promised date is this close "
        "and its delivery is not ready.",
    )

    # Order intake from a file: a bigger file is refused before it is read entirely.
    adv_import_max_lines = fields.Integer(
        string="Maximum Lines per Order File",
        default=2000,
        help="An order file with more order lines (header and blank rows not counted) is "
        "refused when it is imported.",
    )

    # Safe by default: installing the suite invoices nothing until a manager switches the
    # nightly run on for the company (runs started by hand work whatever the switch).
    adv_invoicing_run_enabled = fields.Boolean(
        string="Nightly Invoicing Run",
        help="The scheduled action invoices, posts and sends the delivered orders of this "
        "company every night. Off: only the runs started by hand invoice.",
    )

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

    @api.constrains("adv_import_max_lines")
    def _check_adv_import_max_lines(self):
        if any(company.adv_import_max_lines <= 0 for company in self):
            raise ValidationError(_("The maximum number of lines per order file must be positive."))
