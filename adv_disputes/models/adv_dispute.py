from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.adv_base.tools import decided, ensure_decided

# A dispute in one of these states pauses the reminders of its invoices.
OPEN_STATES = ("new", "in_progress")

# Fields that record a decision: written only by the workflow methods (through
# ``decided``), never by a plain create or write, whoever the user.
DECISION_FIELDS = frozenset(
    {
        "state",
        "resolution",
        "rejection_reason",
        "date_closed",
        "replacement_order_id",
        "credit_note_ids",
        "return_picking_ids",
    }
)


class AdvDispute(models.Model):
    _name = "adv.dispute"
    _description = "Customer Dispute"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The commercial partner (the company) that disputes.",
    )
    move_ids = fields.Many2many(
        "account.move",
        "adv_dispute_account_move_rel",
        "dispute_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id)]",
        copy=False,
        help="Customer invoices in dispute: they receive no reminder while the dispute is open.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    picking_ids = fields.Many2many(
        "stock.picking",
        "adv_dispute_stock_picking_rel",
        "dispute_id",
        "picking_id",
        string="Deliveries",
        check_company=True,
        domain="[('picking_type_code', '=', 'outgoing'), ('partner_id', 'child_of', partner_id)]",
        copy=False,
    )
    line_ids = fields.One2many(
        "adv.dispute.line",
        "dispute_id",
        string="Disputed Lines",
        copy=False,
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    amount = fields.Monetary(
        string="Disputed Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        tracking=True,
        help="Tax included. Sum of the disputed lines when there are lines, typed otherwise.",
    )
    reason = fields.Selection(
        [
            ("price_error", "Price error"),
            ("quantity_error", "Quantity error"),
            ("wrong_product", "Wrong product"),
            ("damaged_goods", "Damaged goods"),
            ("late_delivery", "Late delivery"),
            ("wrong_address", "Wrong address"),
            ("forgotten_discount", "Forgotten discount"),
            ("duplicate_invoice", "Duplicate invoice"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        tracking=True,
    )
    origin = fields.Selection(
        [
            ("order_entry", "Order entry"),
            ("logistics", "Logistics"),
            ("carrier", "Carrier"),
            ("customer", "Customer"),
            ("product_quality", "Product quality"),
        ],
        string="Root Cause",
        tracking=True,
        help="Where the problem comes from, to learn from disputes.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index=True,
        tracking=True,
        default=lambda self: self.env.user if not self.env.user.share else False,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    date_deadline = fields.Date(string="Deadline", tracking=True, index=True)
    description = fields.Html()
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("resolved", "Resolved"),
            ("rejected", "Rejected"),
        ],
        required=True,
        readonly=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
    )
    resolution = fields.Selection(
        [
            ("credit_note", "Credit note"),
            ("return", "Return"),
            ("replacement", "Replacement"),
            ("rejected", "Rejected"),
        ],
        readonly=True,
        tracking=True,
        copy=False,
    )
    resolution_note = fields.Text(copy=False)
    rejection_reason = fields.Text(copy=False, readonly=True, tracking=True)
    date_open = fields.Date(
        string="Opened On",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=fields.Date.context_today,
    )
    date_closed = fields.Date(string="Closed On", readonly=True, copy=False)
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Open and past its deadline.",
    )
    credit_note_ids = fields.One2many(
        "account.move",
        "adv_dispute_id",
        string="Credit Notes",
        readonly=True,
    )
    credit_note_count = fields.Integer(compute="_compute_credit_note_count")
    return_picking_ids = fields.One2many(
        "stock.picking",
        "adv_dispute_id",
        string="Returns",
        readonly=True,
    )
    return_picking_count = fields.Integer(compute="_compute_return_picking_count")
    credit_returned_goods = fields.Boolean(
        tracking=True,
        copy=False,
        help="After a return, keep the dispute open until the returned goods are received "
        "and a credit note is posted.",
    )
    replacement_order_id = fields.Many2one(
        "sale.order",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
    )
    can_start = fields.Boolean(compute="_compute_can")
    can_credit_note = fields.Boolean(compute="_compute_can")
    can_return = fields.Boolean(compute="_compute_can")
    can_replace = fields.Boolean(compute="_compute_can")
    can_reject = fields.Boolean(compute="_compute_can")
    can_reopen = fields.Boolean(compute="_compute_can")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("move_ids.currency_id", "company_id")
    def _compute_currency_id(self):
        for dispute in self:
            dispute.currency_id = dispute.move_ids[:1].currency_id or dispute.company_id.currency_id

    @api.depends("line_ids.amount")
    def _compute_amount(self):
        # Without lines the amount is typed by hand: leave it as it is.
        for dispute in self.filtered("line_ids"):
            dispute.amount = sum(dispute.line_ids.mapped("amount"))

    @api.depends("state", "date_deadline")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.is_overdue = bool(
                dispute.state in OPEN_STATES
                and dispute.date_deadline
                and dispute.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue disputes."))
        domain = [
            ("state", "in", OPEN_STATES),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    def _compute_credit_note_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("adv_dispute_id", "in", self.ids)], ["adv_dispute_id"], ["__count"]
            )
        )
        for dispute in self:
            dispute.credit_note_count = counts.get(dispute, 0)

    def _compute_return_picking_count(self):
        counts = dict(
            self.env["stock.picking"]._read_group(
                [("adv_dispute_id", "in", self.ids)], ["adv_dispute_id"], ["__count"]
            )
        )
        for dispute in self:
            dispute.return_picking_count = counts.get(dispute, 0)

    @api.depends(
        "state",
        "move_ids",
        "picking_ids.state",
        "line_ids",
        "sale_order_id",
        "return_picking_ids.state",
    )
    def _compute_can(self):
        for dispute in self:
            is_open = dispute.state in OPEN_STATES
            dispute.can_start = dispute.state == "new"
            dispute.can_credit_note = is_open and bool(dispute.move_ids)
            # One return at a time: the dispute waits for the goods of the one under way.
            dispute.can_return = (
                is_open
                and bool(dispute._get_returnable_pickings())
                and not dispute._get_pending_returns()
            )
            dispute.can_replace = is_open and bool(dispute.line_ids)
            dispute.can_reject = is_open
            dispute.can_reopen = dispute.state in ("resolved", "rejected")

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for dispute in self:
            dispute.access_url = f"/my/disputes/{dispute.id}"
        return res

    # ------------------------------------------------------------
    # CONSTRAINT
    # ------------------------------------------------------------

    @api.constrains("move_ids", "partner_id")
    def _check_move_ids(self):
        for dispute in self:
            dispute._check_invoices(dispute.move_ids, dispute.partner_id)

    @api.model
    def _check_invoices(self, invoices, partner):
        """Raise if ``invoices`` cannot be disputed by ``partner``.

        Called before anything is written (create, write, the invoice button, the portal
        form) and again by the constraint, as a safety net.
        """
        for invoice in invoices:
            if invoice.move_type != "out_invoice":
                raise ValidationError(
                    _(
                        "%(invoice)s is not a customer invoice: it cannot be disputed.",
                        invoice=invoice.display_name,
                    )
                )
            if invoice.state != "posted":
                raise ValidationError(
                    _(
                        "Invoice %(invoice)s is draft or cancelled: only a posted invoice can be "
                        "disputed.",
                        invoice=invoice.display_name,
                    )
                )
            if invoice.commercial_partner_id != partner.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Invoice %(invoice)s belongs to %(other)s, not to %(customer)s.",
                        invoice=invoice.display_name,
                        other=invoice.commercial_partner_id.display_name,
                        customer=partner.display_name,
                    )
                )

    @api.constrains("partner_id", "sale_order_id", "picking_ids", "move_ids", "line_ids")
    def _check_documents_of_customer(self):
        """The order, deliveries and invoice lines of a dispute are its customer's.

        Otherwise a clerk acting on the dispute (a return, a credit note) would act on
        another customer's goods or invoices. Read as the system: the check is about whose
        the documents are, not about what the current user may read.
        """
        for dispute in self.sudo():
            customer = dispute.partner_id.commercial_partner_id
            order = dispute.sale_order_id
            if order and order.partner_id.commercial_partner_id != customer:
                raise ValidationError(
                    _(
                        "Order %(document)s belongs to %(other)s, not to %(customer)s.",
                        document=order.display_name,
                        other=order.partner_id.commercial_partner_id.display_name,
                        customer=customer.display_name,
                    )
                )
            for picking in dispute.picking_ids:
                owner = (picking.sale_id.partner_id or picking.partner_id).commercial_partner_id
                if owner != customer:
                    raise ValidationError(
                        _(
                            "Delivery %(document)s belongs to %(other)s, not to %(customer)s.",
                            document=picking.display_name,
                            other=owner.display_name,
                            customer=customer.display_name,
                        )
                    )
            for line in dispute.line_ids:
                if line.move_line_id.move_id not in dispute.move_ids:
                    raise ValidationError(
                        _(
                            "The line %(line)s is not on an invoice of dispute %(dispute)s.",
                            line=line.move_line_id.name,
                            dispute=dispute.name,
                        )
                    )

    @api.constrains("move_ids", "state")
    def _check_one_open_dispute_per_invoice(self):
        """An invoice is in one open dispute at a time: each open dispute pauses its
        reminders, so a second one would only pile up claims on the same debt."""
        opened = self.filtered(lambda d: d.state in OPEN_STATES)
        if not opened.move_ids:
            return
        # As the system: the other dispute may be one the user cannot read.
        disputes = self.sudo().search(
            [("state", "in", OPEN_STATES), ("move_ids", "in", opened.move_ids.ids)]
        )
        for dispute in opened:
            for invoice in dispute.move_ids:
                other = (disputes - dispute).filtered(lambda d, inv=invoice: inv in d.move_ids)
                if other:
                    raise ValidationError(
                        _(
                            "Invoice %(invoice)s is already in open dispute %(other)s: add to "
                            "that dispute, or close it first.",
                            invoice=invoice.display_name,
                            other=other[0].name,
                        )
                    )

    @api.constrains("amount")
    def _check_amount(self):
        for dispute in self:
            if dispute.currency_id.compare_amounts(dispute.amount, 0.0) < 0:
                raise ValidationError(_("The disputed amount cannot be negative."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        ensure_decided(self, DECISION_FIELDS, vals_list, create=True)
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if partner:
                # Disputes are followed at the company level, whoever the contact is.
                vals["partner_id"] = partner.commercial_partner_id.id
            # Refuse bad invoices before anything is written.
            self._check_invoices(self._invoices_from_commands(vals.get("move_ids")), partner)
            if not vals.get("name") or vals["name"] == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id"))
                # The sequence is internal machinery a portal customer may not read.
                vals["name"] = self.env["ir.sequence"].sudo().with_company(
                    company or self.env.company
                ).next_by_code("adv.dispute") or _("New")
        disputes = super().create(vals_list)
        disputes._adv_einvoice_sync()
        return disputes

    def write(self, vals):
        ensure_decided(self, DECISION_FIELDS, [vals])
        if "amount" in vals:
            self._ensure_can_change_amount()
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        if "move_ids" in vals or "partner_id" in vals:
            for dispute in self:
                invoices = dispute._invoices_from_commands(vals.get("move_ids"), dispute.move_ids)
                partner = self.env["res.partner"].browse(vals.get("partner_id"))
                dispute._check_invoices(invoices, partner or dispute.partner_id)
        if "state" not in vals and "move_ids" not in vals:
            return super().write(vals)
        invoices_before = {dispute: dispute.move_ids for dispute in self}
        res = super().write(vals)
        self._adv_einvoice_sync(invoices_before)
        return res

    def _ensure_can_change_amount(self):
        """The disputed amount bounds the credit notes a clerk may validate (see
        ``_get_credit_note_manager_reason``): once credit notes exist on a dispute, only an
        ADV manager changes it, or a clerk could raise the bound after the fact."""
        if self.env.su or self.env.user.has_group("adv_base.group_adv_manager"):
            return
        settled = self.filtered("credit_note_ids")
        if settled:
            raise UserError(
                _(
                    "The disputed amount of %(dispute)s cannot change once credit notes are "
                    "made on it: ask an ADV manager.",
                    dispute=settled[0].display_name,
                )
            )

    @api.model
    def _invoices_from_commands(self, commands, invoices=None):
        """The invoices that x2many ``commands`` leave, starting from ``invoices``."""
        invoices = invoices or self.env["account.move"]
        for command in commands or []:
            if isinstance(command, int):
                invoices |= self.env["account.move"].browse(command)
            elif command[0] == Command.SET:
                invoices = self.env["account.move"].browse(command[2])
            elif command[0] == Command.LINK:
                invoices |= self.env["account.move"].browse(command[1])
            elif command[0] in (Command.UNLINK, Command.DELETE):
                invoices -= self.env["account.move"].browse(command[1])
            elif command[0] == Command.CLEAR:
                invoices = self.env["account.move"]
        return invoices

    def unlink(self):
        invoices = self.move_ids
        res = super().unlink()
        invoices._adv_einvoice_sync_disputes(self.browse())
        return res

    def _adv_einvoice_sync(self, invoices_before=None):
        """Move the e-invoicing status of the disputes' invoices, and of the invoices they
        had before the change (``invoices_before``: dispute -> invoices), after a change of
        their state or invoices (see ``account.move._adv_einvoice_sync_disputes``)."""
        invoices_before = invoices_before or {}
        for dispute in self:
            invoices = dispute.move_ids | invoices_before.get(dispute, dispute.move_ids)
            invoices._adv_einvoice_sync_disputes(dispute)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_new(self):
        if any(dispute.state != "new" for dispute in self):
            raise UserError(_("Only a new dispute can be deleted; reject it instead."))

    # ------------------------------------------------------------
    # ACTION
    # ------------------------------------------------------------

    def _ensure_can(self, flag, message):
        refused = self.filtered(lambda d: not d[flag])
        if refused:
            raise UserError(message % {"names": ", ".join(refused.mapped("name"))})

    def _ensure_can_start(self):
        self._ensure_can("can_start", _("Only a new dispute can be started: %(names)s."))

    def _ensure_can_credit_note(self):
        self._ensure_can(
            "can_credit_note",
            _("A credit note needs an open dispute on at least one invoice: %(names)s."),
        )

    def _ensure_can_return(self):
        self._ensure_can(
            "can_return",
            _(
                "A return needs an open dispute with a done delivery and no return under "
                "way: %(names)s."
            ),
        )

    def _ensure_can_replace(self):
        self._ensure_can(
            "can_replace",
            _("A replacement needs an open dispute with disputed lines: %(names)s."),
        )

    def _ensure_can_reject(self):
        self._ensure_can("can_reject", _("Only an open dispute can be rejected: %(names)s."))

    def _ensure_can_reopen(self):
        self._ensure_can("can_reopen", _("Only a closed dispute can be reopened: %(names)s."))

    def action_start(self):
        self._ensure_can_start()
        decided(self).write({"state": "in_progress"})
        return True

    def action_open_credit_note_wizard(self):
        self.ensure_one()
        self._ensure_can_credit_note()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "adv_disputes.action_adv_dispute_credit_note_wizard"
        )
        action["context"] = {"default_dispute_id": self.id}
        return action

    def action_open_reject_wizard(self):
        self.ensure_one()
        self._ensure_can_reject()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "adv_disputes.action_adv_dispute_reject_wizard"
        )
        action["context"] = {"default_dispute_id": self.id}
        return action

    def action_reject(self, reason):
        """Close the disputes as rejected: the customer's claim is not founded."""
        self._ensure_can_reject()
        if not (reason or "").strip():
            raise UserError(_("Say why the dispute is rejected."))
        decided(self).write(
            {
                "state": "rejected",
                "resolution": "rejected",
                "rejection_reason": reason.strip(),
                "date_closed": fields.Date.context_today(self),
            }
        )
        return True

    def action_reopen(self):
        self._ensure_can_reopen()
        decided(self).write({"state": "in_progress", "resolution": False, "date_closed": False})
        return True

    def action_create_return(self):
        """Open the standard return wizard on the first returnable delivery.

        The return it creates is linked to the dispute, which is resolved once the goods
        are received (see ``stock.return.picking._create_return`` and
        ``_resolve_received_returns``).
        """
        self.ensure_one()
        self._ensure_can_return()
        picking = self._get_returnable_pickings()[:1]
        wizard = (
            self.env["stock.return.picking"]
            .with_context(adv_dispute_id=self.id)
            .create({"picking_id": picking.id})
        )
        wizard._adv_set_disputed_quantities(self)
        return {
            "name": _("Return of %(picking)s", picking=picking.name),
            "type": "ir.actions.act_window",
            "res_model": "stock.return.picking",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "context": {"adv_dispute_id": self.id},
        }

    def action_create_replacement(self):
        """Create the replacement order (a quotation, free of charge) and open it."""
        self.ensure_one()
        self._ensure_can_replace()
        order = self.env["sale.order"].create(self._prepare_replacement_order_vals())
        self._resolve("replacement", replacement_order_id=order.id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
        }

    def action_view_credit_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [("adv_dispute_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("adv_dispute_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _resolve(self, resolution, **extra_vals):
        """Close the disputes as resolved by ``resolution`` (credit_note, return, replacement)."""
        decided(self).write(
            {
                "state": "resolved",
                "resolution": resolution,
                "date_closed": fields.Date.context_today(self),
                **extra_vals,
            }
        )

    def _get_pending_returns(self):
        """The returns of the dispute whose goods are not received yet."""
        self.ensure_one()
        return self.return_picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))

    def _start_return(self, return_picking):
        """Link ``return_picking`` to the dispute, which now waits for the goods."""
        self.ensure_one()
        decided(return_picking).adv_dispute_id = self
        decided(self.filtered(lambda d: d.state == "new")).write({"state": "in_progress"})
        self.message_post(
            body=_(
                "Return %(picking)s created: the dispute is resolved once the goods are received.",
                picking=return_picking.name,
            )
        )

    def _resolve_received_returns(self):
        """Resolve as returned the open disputes whose returns are all received (done), and
        credited by a posted credit note when the dispute asks for it."""
        to_resolve = self.browse()
        for dispute in self.filtered(lambda d: d.state in OPEN_STATES):
            returns = dispute.return_picking_ids.filtered(lambda p: p.state != "cancel")
            if not returns or any(p.state != "done" for p in returns):
                continue
            if dispute.credit_returned_goods and not any(
                m.state == "posted" for m in dispute.credit_note_ids
            ):
                continue
            to_resolve |= dispute
        to_resolve._resolve("return")

    def _get_disputed_amount(self):
        """What the customer disputes, in the dispute's currency: the disputed amount, or
        the total of its invoices when no amount was given (a dispute opened from the
        portal)."""
        self.ensure_one()
        if not self.currency_id.is_zero(self.amount):
            return self.amount
        return sum(
            invoice.currency_id._convert(
                invoice.amount_total, self.currency_id, self.company_id, invoice.date
            )
            for invoice in self.move_ids
        )

    def _get_credit_note_manager_reason(self, amount=0.0, date=None):
        """Why the credit notes of the dispute need an ADV manager to be validated, or False.

        The credit notes are taken together, drafts included, plus ``amount`` (tax
        included, in the dispute's currency) not created yet: they must stay within the
        company's validation threshold and within the disputed amount.
        """
        self.ensure_one()
        company = self.company_id
        date = date or fields.Date.context_today(self)
        refunds = self.credit_note_ids.filtered(lambda m: m.state != "cancel")
        total = amount + sum(
            m.currency_id._convert(m.amount_total, self.currency_id, company, m.date or date)
            for m in refunds
        )
        threshold = company.adv_dispute_credit_note_threshold
        total_company = self.currency_id._convert(total, company.currency_id, company, date)
        if threshold and company.currency_id.compare_amounts(total_company, threshold) > 0:
            return _(
                "The credit notes of dispute %(dispute)s total %(amount)s, above the validation "
                "threshold of %(threshold)s: only an ADV manager may validate them.",
                dispute=self.name,
                amount=self.currency_id.format(total),
                threshold=company.currency_id.format(threshold),
            )
        disputed = self._get_disputed_amount()
        if self.currency_id.compare_amounts(total, disputed) > 0:
            return _(
                "The credit notes of dispute %(dispute)s total %(amount)s, above the disputed "
                "amount of %(disputed)s: only an ADV manager may validate them.",
                dispute=self.name,
                amount=self.currency_id.format(total),
                disputed=self.currency_id.format(disputed),
            )
        return False

    def _get_returnable_pickings(self):
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )

    def _prepare_replacement_order_vals(self):
        """Values of the replacement order; override hook.

        The goods are sent again free of charge (price 0): the disputed invoice already
        charged them, so charging again would create a second debt.
        """
        self.ensure_one()
        source = self.sale_order_id
        return {
            "partner_id": source.partner_id.id or self.partner_id.id,
            "partner_shipping_id": source.partner_shipping_id.id
            or self.partner_id.address_get(["delivery"])["delivery"],
            "company_id": self.company_id.id,
            "origin": self.name,
            "client_order_ref": source.client_order_ref,
            "warehouse_id": source.warehouse_id.id or False,
            "order_line": [
                Command.create(self._prepare_replacement_line_vals(line)) for line in self.line_ids
            ],
        }

    def _prepare_replacement_line_vals(self, line):
        """Values of one replacement order line for a disputed line; override hook."""
        return {
            "product_id": line.product_id.id,
            "product_uom_qty": line.quantity,
            "product_uom": line.move_line_id.product_uom_id.id,
            "price_unit": 0.0,
            "name": _(
                "%(product)s (replacement, dispute %(dispute)s)",
                product=line.move_line_id.name or line.product_id.display_name,
                dispute=self.name,
            ),
        }

    def _dispute_defaults_from_invoices(self, invoices):
        """Default values for a dispute opened from ``invoices`` (same customer)."""
        orders = invoices.invoice_line_ids.sale_line_ids.order_id
        pickings = orders.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        return {
            "default_partner_id": invoices.commercial_partner_id[:1].id,
            "default_company_id": invoices.company_id[:1].id,
            "default_move_ids": invoices.ids,
            "default_sale_order_id": orders[:1].id,
            "default_picking_ids": pickings.ids,
        }

    @api.model
    def _cron_notify_overdue(self):
        """Give the responsible of each overdue dispute one activity (idempotent)."""
        activity_type = self.env.ref("adv_disputes.mail_activity_type_dispute_overdue")
        disputes = self.search([("is_overdue", "=", True), ("user_id", "!=", False)])
        if not disputes:
            return
        already = self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", disputes.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        done_ids = set(already.mapped("res_id"))
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": dispute.id,
                    "activity_type_id": activity_type.id,
                    "user_id": dispute.user_id.id,
                    "date_deadline": today,
                    "summary": _(
                        "Dispute %(name)s is past its deadline (%(deadline)s)",
                        name=dispute.name,
                        deadline=dispute.date_deadline,
                    ),
                }
                for dispute in disputes
                if dispute.id not in done_ids
            ]
        )
