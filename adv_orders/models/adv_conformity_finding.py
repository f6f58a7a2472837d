from odoo import fields, models


class AdvConformityFinding(models.Model):
    _name = "adv.conformity.finding"
    _description = "Order Conformity Finding"
    _order = "order_id desc, severity, id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    # restrict: a rule that raised findings is archived, not deleted (see its unlink).
    rule_id = fields.Many2one("adv.conformity.rule", required=True, ondelete="restrict", index=True)
    rule_type = fields.Selection(related="rule_id.rule_type")
    order_line_id = fields.Many2one("sale.order.line", ondelete="cascade", index="btree_not_null")
    # The rule's severity when the check ran, recorded like the message: a finding is what a
    # check found at that time, and the order's conformity state was decided from it. A rule
    # whose severity changes applies it at the next check of each quotation; the findings
    # of confirmed orders keep telling what blocked them or not.
    severity = fields.Selection(
        [("warning", "Warning"), ("blocking", "Blocking")], required=True, default="warning"
    )
    message = fields.Text(required=True)
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    user_id = fields.Many2one(related="order_id.user_id", string="Salesperson")
    order_state = fields.Selection(related="order_id.state", string="Order Status")
    order_conformity_state = fields.Selection(
        related="order_id.adv_conformity_state", string="Conformity"
    )
