from odoo import api, fields, models


class AdvDisputeCreditNoteWizardLine(models.TransientModel):
    _name = "adv.dispute.credit.note.wizard.line"
    _description = "Dispute Credit Note Wizard Line"

    wizard_id = fields.Many2one("adv.dispute.credit.note.wizard", required=True, ondelete="cascade")
    move_line_id = fields.Many2one("account.move.line", string="Invoice Line", required=True)
    name = fields.Char(related="move_line_id.name", string="Label")
    product_id = fields.Many2one(related="move_line_id.product_id")
    invoiced_quantity = fields.Float(
        related="move_line_id.quantity",
        string="Invoiced Quantity",
        digits="Product Unit of Measure",
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    price_unit = fields.Float(related="move_line_id.price_unit", digits="Product Price")
    currency_id = fields.Many2one(related="move_line_id.currency_id")
    amount = fields.Monetary(
        string="Amount (tax incl.)",
        compute="_compute_amount",
        help="What this line credits, tax included.",
    )

    @api.depends("quantity", "move_line_id")
    def _compute_amount(self):
        for line in self:
            line.amount = line._get_total_included(line.quantity)

    def _get_total_included(self, quantity):
        self.ensure_one()
        aml = self.move_line_id
        if not aml:
            return 0.0
        price = aml.price_unit * (1 - (aml.discount or 0.0) / 100.0)
        return aml.tax_ids.compute_all(
            price,
            currency=aml.currency_id,
            quantity=quantity,
            product=aml.product_id,
            partner=aml.partner_id,
            is_refund=True,
        )["total_included"]
