from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.adv_base.tools import decided


class AdvDisputeCreditNoteWizard(models.TransientModel):
    _name = "adv.dispute.credit.note.wizard"
    _description = "Dispute Credit Note Wizard"

    dispute_id = fields.Many2one("adv.dispute", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="dispute_id.company_id")
    available_move_ids = fields.Many2many(related="dispute_id.move_ids")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        compute="_compute_move_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', available_move_ids)]",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    invoice_total = fields.Monetary(related="move_id.amount_total", string="Invoice Total")
    invoice_residual = fields.Monetary(related="move_id.amount_residual", string="Amount Due")
    mode = fields.Selection(
        [("lines", "Disputed lines"), ("amount", "Amount")],
        required=True,
        compute="_compute_mode",
        store=True,
        readonly=False,
        precompute=True,
        help="Credit the disputed lines (quantities), or a global amount spread over the "
        "invoice's VAT rates.",
    )
    line_ids = fields.One2many(
        "adv.dispute.credit.note.wizard.line",
        "wizard_id",
        string="Lines",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount = fields.Monetary(
        string="Amount (tax incl.)",
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount_total = fields.Monetary(string="Credit Note Total", compute="_compute_amount_total")
    reason = fields.Char(
        compute="_compute_reason",
        store=True,
        readonly=False,
        precompute=True,
        help="Shown on the credit note.",
    )
    date = fields.Date(string="Credit Note Date", default=fields.Date.context_today, required=True)
    needs_manager = fields.Boolean(compute="_compute_needs_manager")
    manager_reason = fields.Char(compute="_compute_needs_manager")
    can_post = fields.Boolean(compute="_compute_needs_manager")
    post = fields.Boolean(
        string="Validate",
        compute="_compute_post",
        store=True,
        readonly=False,
        help="Post the credit note now. When the dispute's credit notes together (drafts "
        "included) are above the threshold of the settings or above the disputed amount, only "
        "an ADV manager may; otherwise it is left in draft for a manager.",
    )
    reconcile = fields.Boolean(
        default=True, help="Reconcile the posted credit note with the invoice."
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("dispute_id")
    def _compute_move_id(self):
        for wizard in self:
            moves = wizard.dispute_id.move_ids
            wizard.move_id = (moves.filtered("amount_residual") or moves)[:1]

    @api.depends("move_id")
    def _compute_mode(self):
        for wizard in self:
            has_lines = any(
                line.move_line_id.move_id == wizard.move_id for line in wizard.dispute_id.line_ids
            )
            wizard.mode = "lines" if has_lines else "amount"

    @api.depends("move_id")
    def _compute_line_ids(self):
        for wizard in self:
            disputed = wizard.dispute_id.line_ids.filtered(
                lambda line, move=wizard.move_id: line.move_line_id.move_id == move
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create({"move_line_id": line.move_line_id.id, "quantity": line.quantity})
                for line in disputed
            ]

    @api.depends("move_id")
    def _compute_amount(self):
        for wizard in self:
            disputed = wizard.dispute_id.amount
            if len(wizard.dispute_id.move_ids) > 1:
                disputed = 0.0
            wizard.amount = min(
                disputed or wizard.move_id.amount_residual, wizard.move_id.amount_residual
            )

    @api.depends("dispute_id")
    def _compute_reason(self):
        for wizard in self:
            dispute = wizard.dispute_id
            reason = dict(dispute._fields["reason"]._description_selection(self.env)).get(
                dispute.reason
            )
            wizard.reason = _("Dispute %(name)s: %(reason)s", name=dispute.name, reason=reason)

    @api.depends("mode", "line_ids.amount", "amount", "move_id")
    def _compute_amount_total(self):
        for wizard in self:
            if wizard.mode == "lines":
                wizard.amount_total = sum(wizard.line_ids.mapped("amount"))
            else:
                wizard.amount_total = sum(
                    wizard._get_amount_line_total(vals) for vals in wizard._prepare_amount_lines()
                )

    @api.depends("amount_total", "company_id", "date", "dispute_id.credit_note_ids.state")
    def _compute_needs_manager(self):
        is_manager = self.env.user.has_group("adv_base.group_adv_manager")
        for wizard in self:
            dispute = wizard.dispute_id
            reason = False
            if dispute and wizard.currency_id:
                # The dispute's credit notes count together: this one is added to the others.
                amount = wizard.currency_id._convert(
                    wizard.amount_total, dispute.currency_id, wizard.company_id, wizard.date
                )
                reason = dispute._get_credit_note_manager_reason(amount, wizard.date)
            wizard.manager_reason = reason
            wizard.needs_manager = bool(reason)
            wizard.can_post = is_manager or not wizard.needs_manager

    @api.depends("can_post")
    def _compute_post(self):
        for wizard in self:
            wizard.post = wizard.can_post

    # ------------------------------------------------------------
    # ACTION
    # ------------------------------------------------------------

    def action_create_credit_note(self):
        """Check, create the credit note, post and reconcile it if asked, and open it."""
        self.ensure_one()
        self.dispute_id._ensure_can_credit_note()
        self._check_credit_note()
        # Through ``decided``: only this wizard ties a credit note to its dispute.
        refund = decided(self.env["account.move"]).create(self._prepare_refund_vals())
        refund = refund.with_env(self.env)
        if self.post:
            refund.action_post()
            if self.reconcile:
                self._reconcile(refund)
        else:
            self.dispute_id.message_post(
                body=_(
                    "Credit note %(move)s is waiting for validation by an ADV manager.",
                    move=refund.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": refund.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _check_credit_note(self):
        """Refuse bad input before anything is written."""
        self.ensure_one()
        move = self.move_id
        currency = move.currency_id
        if move not in self.dispute_id.move_ids:
            raise UserError(
                _(
                    "Invoice %(move)s is not in dispute %(dispute)s.",
                    move=move.display_name,
                    dispute=self.dispute_id.name,
                )
            )
        if move.move_type != "out_invoice" or move.state != "posted":
            raise UserError(
                _("Invoice %(move)s is not a posted customer invoice.", move=move.display_name)
            )
        if self.mode == "lines":
            if not self.line_ids:
                raise UserError(_("Choose at least one line to credit."))
            for line in self.line_ids:
                if line.move_line_id.move_id != move:
                    raise UserError(
                        _(
                            "Line %(line)s is not on invoice %(move)s.",
                            line=line.name,
                            move=move.display_name,
                        )
                    )
                if line.quantity <= 0 or line.quantity > line.move_line_id.quantity:
                    raise UserError(
                        _(
                            "The quantity to credit on %(line)s must be positive and at most "
                            "the invoiced quantity (%(qty)s).",
                            line=line.name,
                            qty=line.move_line_id.quantity,
                        )
                    )
        total = self.amount_total
        if currency.compare_amounts(total, 0.0) <= 0:
            raise UserError(_("The credit note amount must be positive."))
        if currency.compare_amounts(total, move.amount_total) > 0:
            raise UserError(
                _(
                    "The credit note (%(amount)s) is above the invoice total (%(total)s).",
                    amount=currency.format(total),
                    total=currency.format(move.amount_total),
                )
            )
        if currency.compare_amounts(total, move.amount_residual) > 0:
            raise UserError(
                _(
                    "The credit note (%(amount)s) is above the amount still due on invoice "
                    "%(move)s (%(residual)s).",
                    amount=currency.format(total),
                    move=move.display_name,
                    residual=currency.format(move.amount_residual),
                )
            )
        if self.post and not self.can_post:
            raise UserError(
                _(
                    "%(reason)s Untick Validate to leave the credit note in draft for a manager.",
                    reason=self.manager_reason,
                )
            )

    def _prepare_refund_vals(self):
        """Values of the credit note; override hook."""
        self.ensure_one()
        move = self.move_id
        if self.mode == "lines":
            lines = [self._prepare_refund_line_vals(line) for line in self.line_ids]
        else:
            lines = self._prepare_amount_lines()
        return {
            "move_type": "out_refund",
            "partner_id": move.partner_id.id,
            "company_id": move.company_id.id,
            "journal_id": move.journal_id.id,
            "currency_id": move.currency_id.id,
            "fiscal_position_id": move.fiscal_position_id.id,
            "invoice_user_id": move.invoice_user_id.id,
            "invoice_date": self.date,
            "date": self.date,
            "reversed_entry_id": move.id,
            "invoice_origin": move.name,
            "ref": self.reason,
            "adv_dispute_id": self.dispute_id.id,
            "invoice_line_ids": [Command.create(vals) for vals in lines],
        }

    def _prepare_refund_line_vals(self, line):
        """Credit note line crediting ``line.quantity`` of an invoice line; override hook.

        The sale order line is deliberately not linked: a commercial credit note must not
        make the order "to invoice" again.
        """
        aml = line.move_line_id
        return {
            "product_id": aml.product_id.id,
            "name": aml.name,
            "quantity": line.quantity,
            "product_uom_id": aml.product_uom_id.id,
            "price_unit": aml.price_unit,
            "discount": aml.discount,
            "tax_ids": [Command.set(aml.tax_ids.ids)],
            "account_id": aml.account_id.id,
            "analytic_distribution": aml.analytic_distribution,
        }

    def _prepare_amount_lines(self):
        """Spread a tax-included amount over the invoice's VAT rates, prorata of their
        tax-included totals, as French practice wants for a global commercial credit note."""
        self.ensure_one()
        product_lines = self.move_id.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product"
        )
        base_total = sum(product_lines.mapped("price_total"))
        if not base_total or not self.amount:
            return []
        groups = {}
        for aml in product_lines:
            groups.setdefault(aml.tax_ids, []).append(aml)
        currency = self.move_id.currency_id
        result = []
        for taxes, amls in groups.items():
            untaxed = sum(aml.price_subtotal for aml in amls)
            result.append(
                {
                    "name": _("Credit note on dispute %(name)s", name=self.dispute_id.name),
                    "quantity": 1.0,
                    "price_unit": currency.round(self.amount * untaxed / base_total),
                    "tax_ids": [Command.set(taxes.ids)],
                    "account_id": amls[0].account_id.id,
                }
            )
        return result

    def _get_amount_line_total(self, vals):
        taxes = self.env["account.tax"].browse(vals["tax_ids"][0][2])
        return taxes.compute_all(
            vals["price_unit"],
            currency=self.move_id.currency_id,
            quantity=vals["quantity"],
            partner=self.move_id.partner_id,
            is_refund=True,
        )["total_included"]

    def _reconcile(self, refund):
        lines = (refund.line_ids + self.move_id.line_ids).filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable" and not aml.reconciled
        )
        lines.reconcile()
