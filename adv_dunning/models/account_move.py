from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, formatLang


class AccountMove(models.Model):
    _inherit = "account.move"

    adv_dunning_manual_block = fields.Boolean(
        string="Reminders blocked by hand",
        copy=False,
        tracking=True,
        help="Set by a person: this invoice receives no reminder until it is cleared.",
    )
    adv_dunning_blocked = fields.Boolean(
        string="Reminders blocked",
        compute="_compute_adv_dunning_blocked",
        store=True,
        index=True,
        help="No reminder is sent for this invoice: blocked by hand, or by another cause "
        "(an open dispute, for instance).",
    )
    adv_dunning_level_id = fields.Many2one(
        "adv.dunning.level",
        string="Reminder level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Highest reminder level this invoice has received.",
        groups="adv_base.group_adv_user,account.group_account_invoice",
    )
    adv_dunning_date = fields.Date(string="Last reminder", copy=False, readonly=True)
    adv_dunning_indemnity_invoiced = fields.Boolean(
        string="Recovery indemnity invoiced", copy=False, readonly=True
    )
    adv_dunning_interest_invoiced = fields.Monetary(
        string="Late-payment interest invoiced",
        copy=False,
        readonly=True,
        currency_field="currency_id",
    )
    adv_dunning_line_ids = fields.One2many(
        "adv.dunning.communication.line",
        "move_id",
        string="Reminder history",
        readonly=True,
        groups="adv_base.group_adv_user,account.group_account_invoice",
    )
    adv_legal_notice = fields.Text(
        string="Payment mentions",
        compute="_compute_adv_legal_notice",
        help="What the invoice states about late payment (Code de commerce art. L441-9), "
        "for business customers, when the company prints these mentions.",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends(
        "move_type",
        "commercial_partner_id",
        "company_id.adv_invoice_legal_mentions",
        "company_id.adv_early_payment_terms",
        "company_id.adv_dunning_penalty_rate",
    )
    @api.depends_context("lang")
    def _compute_adv_legal_notice(self):
        # L441-9 I (and L441-10 II, D441-5): between professionals, the invoice states the
        # early-payment discount conditions, the rate of the late-payment interest and the
        # 40 EUR fixed recovery indemnity. A consumer owes neither (see _adv_is_business).
        for move in self:
            company = move.company_id
            if not (
                company.adv_invoice_legal_mentions
                and move.move_type == "out_invoice"
                and move.commercial_partner_id
                and move.commercial_partner_id._adv_is_business()
            ):
                move.adv_legal_notice = False
                continue
            move.adv_legal_notice = _(
                "%(discount)s Any late payment bears interest at the annual rate of "
                "%(rate)s%% (art. L441-10 of the French Commercial Code) and a fixed recovery "
                "indemnity of 40 EUR (art. D441-5), due without reminder from the day after the "
                "due date.",
                discount=company.adv_early_payment_terms or _("No discount for early payment."),
                rate=formatLang(self.env, company.adv_dunning_penalty_rate, digits=2),
            )

    @api.depends("adv_dunning_manual_block")
    def _compute_adv_dunning_blocked(self):
        """Whether reminders are blocked for the invoice.

        Override hook: other addons extend the dependencies and OR their own cause
        with ``super()``'s value (adv_disputes_dunning does it for open disputes).
        """
        for move in self:
            move.adv_dunning_blocked = move.adv_dunning_manual_block

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reminded(self):
        """An invoice listed in a reminder is part of what was claimed from the customer:
        deleting it would erase that history (the reminder lines refuse it at the database
        level too, ``ondelete="restrict"``). Cancel the invoice instead."""
        # sudo: a refusal, not a grant; it must hold for a user who cannot read reminders.
        reminded = (
            self.env["adv.dunning.communication.line"]
            .sudo()
            ._read_group([("move_id", "in", self.ids)], ["move_id"])
        )
        if reminded:
            raise UserError(
                _(
                    "Invoice %(invoice)s is listed in reminders to the customer: it cannot be "
                    "deleted, the reminder history is kept. Cancel it instead.",
                    invoice=reminded[0][0].display_name,
                )
            )

    def unlink(self):
        reminded = self._adv_dunning_penalty_communications().line_ids.move_id
        res = super().unlink()
        # The reminders' link is set null by the database: what is claimed is read again.
        reminded.exists()._adv_dunning_recompute_claims()
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def button_cancel(self):
        res = super().button_cancel()
        communications = self._adv_dunning_penalty_communications()
        if communications:
            # A cancelled penalty invoice claims nothing: the reminders' penalties may be
            # invoiced again, and the indemnity of their invoices is no longer "invoiced"
            # (D441-5: one indemnity per late invoice, claimed once, but claimed).
            for communication in communications:
                communication.message_post(
                    body=_(
                        "Penalty invoice %(invoice)s cancelled: the penalties of this reminder "
                        "can be invoiced again.",
                        invoice=communication.penalty_move_id.display_name,
                    )
                )
            communications.penalty_move_id = False
            communications.line_ids.move_id._adv_dunning_recompute_claims()
        return res

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _adv_dunning_penalty_communications(self):
        """The reminders whose penalties these moves invoice."""
        if not self.ids:
            return self.env["adv.dunning.communication"]
        return (
            self.env["adv.dunning.communication"]
            .sudo()
            .search([("penalty_move_id", "in", self.ids)])
        )

    def _adv_dunning_recompute_claims(self):
        """What the penalty invoices still standing claim for these invoices: the indemnity
        (claimed or not) and the highest interest claimed."""
        if not self:
            return
        claims = {
            move.id: (bool(indemnity), interest or 0.0)
            for move, indemnity, interest in self.env["adv.dunning.communication.line"]
            .sudo()
            ._read_group(
                [
                    ("move_id", "in", self.ids),
                    ("communication_id.penalty_move_id", "!=", False),
                    ("communication_id.penalty_move_id.state", "!=", "cancel"),
                ],
                ["move_id"],
                ["indemnity_amount:max", "interest_amount:max"],
            )
        }
        for move in self.sudo():
            indemnity, interest = claims.get(move.id, (False, 0.0))
            move.write(
                {
                    "adv_dunning_indemnity_invoiced": indemnity,
                    "adv_dunning_interest_invoiced": interest,
                }
            )

    @api.model
    def _adv_dunning_set_levels(self, moves_by_level):
        """Record the reminder level reached by invoices: one UPDATE per (level, date).

        :param moves_by_level: {(level id or None, date or None): [invoice ids]}

        ``account.move.write()`` resynchronises the invoice lines of every move it
        touches (several queries per line): far too heavy for two bookkeeping fields that
        no business rule depends on, on tens of thousands of invoices. Access is checked
        as for a write.
        """
        all_ids = [move_id for move_ids in moves_by_level.values() for move_id in move_ids]
        if not all_ids:
            return
        moves = self.browse(all_ids)
        moves.check_access("write")
        self.env.flush_all()
        for (level_id, date), move_ids in moves_by_level.items():
            self.env.cr.execute(
                SQL(
                    """UPDATE account_move
                          SET adv_dunning_level_id = %s, adv_dunning_date = %s,
                              write_uid = %s, write_date = NOW() AT TIME ZONE 'UTC'
                        WHERE id = ANY(%s)""",
                    level_id or None,
                    date or None,
                    self.env.uid,
                    move_ids,
                )
            )
        fnames = ["adv_dunning_level_id", "adv_dunning_date", "write_uid", "write_date"]
        moves.invalidate_recordset(fnames)
        # What is computed from these fields (a stored field of an extension, say) is
        # recomputed as after an ORM write.
        moves.modified(fnames)

    def _adv_portal_ensure_tokens(self):
        """Give the invoices that have none a portal access token (``portal.mixin``), the
        one their portal link carries: one statement for the whole batch.

        ``_portal_ensure_token()`` writes the invoices one at a time through
        ``account.move.write()`` (its checks and line synchronisation), for a field no rule
        depends on: a run listing thousands of invoices never sent through Odoo would pay a
        write per invoice. The token is the same kind Odoo makes (a random UUID4 as text),
        which ``_portal_ensure_token()`` and the portal's ``_document_check_access`` then
        read as theirs; what is given up is the write date that Odoo's method moves.
        """
        missing = self.filtered(lambda move: not move.access_token)
        if not missing:
            return
        missing.flush_recordset(["access_token"])
        self.env.cr.execute(
            SQL(
                """UPDATE account_move SET access_token = gen_random_uuid()::text
                    WHERE id = ANY(%s) AND COALESCE(access_token, '') = ''""",
                missing.ids,
            )
        )
        missing.invalidate_recordset(["access_token"])
