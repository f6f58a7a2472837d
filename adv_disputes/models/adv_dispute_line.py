from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AdvDisputeLine(models.Model):
    _name = "adv.dispute.line"
    _description = "Disputed Invoice Line"
    _check_company_auto = True

    dispute_id = fields.Many2one("adv.dispute", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="dispute_id.company_id", store=True, index=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    product_id = fields.Many2one(related="move_line_id.product_id")
    invoiced_quantity = fields.Float(
        related="move_line_id.quantity",
        string="Invoiced Quantity",
        digits="Product Unit of Measure",
    )
    quantity = fields.Float(
        required=True,
        digits="Product Unit of Measure",
        compute="_compute_quantity",
        store=True,
        readonly=False,
        precompute=True,
    )
    currency_id = fields.Many2one(related="move_line_id.currency_id")
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        help="Tax included, prorated from the invoice line.",
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        disputes = self.env["adv.dispute"].browse({vals.get("dispute_id") for vals in vals_list})
        disputes._ensure_can_change_amount()
        return super().create(vals_list)

    def write(self, vals):
        if {"quantity", "move_line_id", "dispute_id"} & set(vals):
            disputes = self.dispute_id | self.env["adv.dispute"].browse(vals.get("dispute_id"))
            disputes._ensure_can_change_amount()
        return super().write(vals)

    def unlink(self):
        self.dispute_id._ensure_can_change_amount()
        return super().unlink()

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("move_line_id")
    def _compute_quantity(self):
        for line in self:
            if not line.quantity:
                line.quantity = line.move_line_id.quantity

    @api.depends("quantity", "move_line_id.price_total", "move_line_id.quantity")
    def _compute_amount(self):
        for line in self:
            invoiced = line.move_line_id.quantity
            line.amount = (
                line.currency_id.round(line.move_line_id.price_total * line.quantity / invoiced)
                if invoiced
                else 0.0
            )

    @api.constrains("quantity", "move_line_id")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0 or line.quantity > line.move_line_id.quantity:
                raise ValidationError(
                    _(
                        "The disputed quantity of %(line)s must be positive and at most the "
                        "invoiced quantity (%(qty)s).",
                        line=line.move_line_id.name or line.product_id.display_name,
                        qty=line.move_line_id.quantity,
                    )
                )
            if line.move_line_id.move_id not in line.dispute_id.move_ids:
                raise ValidationError(
                    _(
                        "The line %(line)s is not on an invoice of dispute %(dispute)s.",
                        line=line.move_line_id.name,
                        dispute=line.dispute_id.name,
                    )
                )
