from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _adv_webhook_data(self):
        """{order id: the "data" of its webhook events}: the order, its customer, amounts,
        conformity state, hold and findings, and its lines (bounded lists)."""
        bounded = self.env["adv.webhook"]._adv_bounded
        partner_data = self.env["adv.webhook"]._adv_partner_data
        result = {}
        for order in self:
            findings, findings_truncated = bounded(order.adv_finding_ids)
            lines, lines_truncated = bounded(
                order.order_line.filtered(lambda line: not line.display_type)
            )
            result[order.id] = {
                "model": order._name,
                "id": order.id,
                "name": order.name,
                "client_order_ref": order.client_order_ref or None,
                "customer": partner_data(order.partner_id),
                "salesperson": order.user_id.name or None,
                "state": order.state,
                "conformity_state": order.adv_conformity_state,
                "on_hold": order.adv_hold,
                "date_order": order.date_order,
                "commitment_date": order.commitment_date or None,
                "currency": order.currency_id.name,
                "amount_untaxed": order.amount_untaxed,
                "amount_tax": order.amount_tax,
                "amount_total": order.amount_total,
                "findings": [
                    {
                        "rule": finding.rule_id.name,
                        "rule_type": finding.rule_type,
                        "severity": finding.severity,
                        "blocking": finding.severity == "blocking",
                        "message": finding.message,
                    }
                    for finding in findings
                ],
                "findings_truncated": findings_truncated,
                "lines": [
                    {
                        "product_code": line.product_id.default_code or None,
                        "product": line.product_id.display_name or line.name,
                        "quantity": line.product_uom_qty,
                        "price_unit": line.price_unit,
                        "discount": line.discount,
                        "price_subtotal": line.price_subtotal,
                    }
                    for line in lines
                ],
                "lines_truncated": lines_truncated,
            }
        return result
