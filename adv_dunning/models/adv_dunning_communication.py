import base64
import io
import logging
from collections import defaultdict

import qrcode
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config, formatLang, split_every
from odoo.tools.image import image_data_uri

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from . import letter_pdf

_logger = logging.getLogger(__name__)

# Width of a QR code image in pixels, about 300 dpi at the 22 mm of the letter.
QR_PIXELS = 260
# Letters per wkhtmltopdf call with a wkhtmltopdf without patched Qt (see letter_pdf).
LETTERS_PER_CALL = 50


class AdvDunningCommunication(models.Model):
    _name = "adv.dunning.communication"
    _description = "Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    run_id = fields.Many2one("adv.dunning.run", index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    level_id = fields.Many2one(
        "adv.dunning.level",
        required=True,
        ondelete="restrict",
        check_company=True,
        readonly=True,
    )
    formal_notice = fields.Boolean(related="level_id.formal_notice")
    penalties = fields.Boolean(
        compute="_compute_penalties",
        store=True,
        help="The reminder claims late-payment interest and recovery indemnities: its level "
        "states them and the customer is a professional (a consumer is charged neither).",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    # The level's channels, read from its field: a channel added to the levels
    # (selection_add) is a channel of the reminders too; each is sent by _send_<channel>.
    channel = fields.Selection(selection="_selection_channel", required=True)
    state = fields.Selection(
        [
            ("draft", "To send"),
            ("pending", "To handle"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many(
        "adv.dunning.communication.line", "communication_id", string="Invoices", readonly=True
    )
    move_ids = fields.Many2many(
        "account.move", string="Invoices (list)", compute="_compute_move_ids"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_residual = fields.Monetary(string="Amount due", readonly=True)
    amount_interest = fields.Monetary(string="Late-payment interest", readonly=True)
    amount_indemnity = fields.Monetary(string="Recovery indemnities", readonly=True)
    amount_total = fields.Monetary(compute="_compute_amount_total", string="Total claimed")
    error_message = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Clerk", default=lambda self: self.env.user, index=True
    )
    penalty_move_id = fields.Many2one(
        "account.move",
        string="Penalty invoice",
        readonly=True,
        copy=False,
        ondelete="set null",
        check_company=True,
    )

    def init(self):
        # The same customer never receives the same level twice the same day.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS adv_dunning_communication_once_a_day
                   ON adv_dunning_communication (partner_id, level_id, date)
                   WHERE state IN ('draft', 'pending', 'sent')"""
            )
        )

    # ------------------------------------------------------------
    # SELECTION
    # ------------------------------------------------------------

    @api.model
    def _selection_channel(self):
        return self.env["adv.dunning.level"]._fields["channel"]._description_selection(self.env)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("partner_id", "level_id", "date")
    def _compute_name(self):
        for communication in self:
            communication.name = (
                f"{communication.level_id.name or ''} - "
                f"{communication.partner_id.name or ''} ({communication.date or ''})"
            )

    @api.depends("level_id", "partner_id")
    def _compute_penalties(self):
        # Set when the reminder is created, like its amounts: a customer who later gets a
        # VAT number does not turn a consumer's past reminders into penalty claims.
        for communication in self:
            communication.penalties = bool(
                communication.level_id.penalties
                and communication.partner_id
                and communication.partner_id._adv_is_business()
            )

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for communication in self:
            communication.move_ids = communication.line_ids.move_id

    @api.depends("amount_residual", "amount_interest", "amount_indemnity")
    def _compute_amount_total(self):
        for communication in self:
            communication.amount_total = (
                communication.amount_residual
                + communication.amount_interest
                + communication.amount_indemnity
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send(self):
        """Send draft (or failed) reminders by hand."""
        to_send = self.filtered(lambda c: c.state in ("draft", "failed"))
        failed = to_send.filtered(lambda c: c.state == "failed")
        if failed:
            failed._reapply_levels()
            failed.state = "draft"
        done, errors = to_send._send()
        if errors:
            raise UserError(
                "\n".join(
                    f"{communication.partner_id.display_name}: {message}"
                    for communication, message in errors
                )
            )
        return True

    def action_done(self):
        """A person handled a manual reminder (or a phone call)."""
        self.filtered(lambda c: c.state == "pending").state = "sent"
        return True

    def action_cancel(self):
        """Cancel reminders not sent yet: their invoices get their previous level back."""
        if self.filtered(lambda c: c.state in ("sent", "pending")):
            raise UserError(_("A reminder already sent cannot be cancelled."))
        to_cancel = self.filtered(lambda c: c.state == "draft")
        to_cancel._restore_levels()
        (self - to_cancel).filtered(lambda c: c.state == "failed").state = "cancel"
        to_cancel.state = "cancel"
        return True

    def action_invoice_penalties(self):
        """Create one draft customer invoice per reminder for its late-payment interest and
        recovery indemnities; what an earlier penalty invoice already claimed is deducted."""
        if self.filtered("penalty_move_id"):
            raise UserError(_("The penalties of this reminder are already invoiced."))
        consumers = self.filtered(lambda c: c.level_id.penalties and not c.penalties)
        if consumers:
            raise UserError(
                _(
                    "%(customer)s is a consumer: late-payment penalties and the recovery "
                    "indemnity are charged to business customers only.",
                    customer=consumers[0].partner_id.display_name,
                )
            )
        if self.filtered(lambda c: not c.penalties or c.state not in ("sent", "pending")):
            raise UserError(
                _("Only the penalties of a sent reminder with penalties can be invoiced.")
            )
        journals = {
            journal.company_id: journal
            for journal in self.env["account.journal"].search(
                [("company_id", "in", self.company_id.ids), ("type", "=", "sale")],
                order="sequence, id",
            )[::-1]
        }
        vals_list = []
        # What the reminders invoiced together claim: an invoice listed in two of them
        # gets its indemnity and its interest once.
        claimed = {"indemnity": set(), "interest": defaultdict(float)}
        for communication in self:
            journal = journals.get(communication.company_id)
            if not journal or not journal.default_account_id:
                raise UserError(
                    _(
                        "No sales journal with an income account in %(company)s.",
                        company=communication.company_id.name,
                    )
                )
            vals_list.append(communication._prepare_penalty_invoice(journal, claimed))
        if not any(vals["invoice_line_ids"] for vals in vals_list):
            raise UserError(_("There is nothing left to invoice on these reminders."))
        moves = self.env["account.move"].create(vals_list)
        for communication, move in zip(self, moves, strict=True):
            communication.penalty_move_id = move
            lines = communication.line_ids
            for line in lines.filtered(lambda ln: ln.indemnity_amount):
                line.move_id.adv_dunning_indemnity_invoiced = True
            for line in lines.filtered(lambda ln: ln.interest_amount):
                line.move_id.adv_dunning_interest_invoiced = max(
                    line.interest_amount, line.move_id.adv_dunning_interest_invoiced
                )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        if len(moves) == 1:
            action.update({"view_mode": "form", "res_id": moves.id, "views": [(False, "form")]})
        return action

    def _prepare_penalty_invoice(self, journal, claimed=None):
        """Values of the penalty invoice of the reminder (override hook).

        :param claimed: what the other reminders invoiced in the same call already claim,
            updated here: ``{"indemnity": {invoice ids}, "interest": {invoice id: amount}}``
        """
        self.ensure_one()
        if claimed is None:
            claimed = {"indemnity": set(), "interest": defaultdict(float)}
        currencies = self.line_ids.currency_id
        currency = currencies if len(currencies) == 1 else self.currency_id
        lines = []
        for line in self.line_ids:
            move = line.move_id
            already = max(move.adv_dunning_interest_invoiced, claimed["interest"][move.id])
            interest = line.interest_amount - already
            indemnity = (
                0.0
                if move.adv_dunning_indemnity_invoiced or move.id in claimed["indemnity"]
                else line.indemnity_amount
            )
            if line.indemnity_amount:
                claimed["indemnity"].add(move.id)
            claimed["interest"][move.id] = max(already, line.interest_amount)
            if line.currency_id != currency:
                interest = line.currency_id._convert(interest, currency, self.company_id, self.date)
                indemnity = line.currency_id._convert(
                    indemnity, currency, self.company_id, self.date
                )
            if currency.compare_amounts(interest, 0) > 0:
                lines.append(
                    fields.Command.create(
                        {
                            "name": _(
                                "Late-payment interest on %(invoice)s: %(days)s days at "
                                "%(rate)s %%",
                                invoice=line.move_id.name,
                                days=line.days_late,
                                rate=self.company_id.adv_dunning_penalty_rate,
                            ),
                            "quantity": 1,
                            "price_unit": interest,
                            "account_id": journal.default_account_id.id,
                            "tax_ids": [fields.Command.clear()],
                        }
                    )
                )
            if currency.compare_amounts(indemnity, 0) > 0:
                lines.append(
                    fields.Command.create(
                        {
                            "name": _(
                                "Fixed recovery indemnity (art. D441-5 Code de commerce) on "
                                "%(invoice)s",
                                invoice=line.move_id.name,
                            ),
                            "quantity": 1,
                            "price_unit": indemnity,
                            "account_id": journal.default_account_id.id,
                            "tax_ids": [fields.Command.clear()],
                        }
                    )
                )
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "currency_id": currency.id,
            "invoice_date": self.date,
            "invoice_origin": self.name,
            "invoice_line_ids": lines,
        }

    def action_print_letter(self):
        return self.env.ref("adv_dunning.action_report_adv_dunning_letter").report_action(self)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _restore_levels(self):
        """Give the invoices the level they had before these reminders (grouped writes)."""
        by_previous = defaultdict(list)
        for line in self.line_ids.filtered("level_id"):
            by_previous[(line.previous_level_id.id, line.previous_date)].append(line.move_id.id)
        self.env["account.move"]._adv_dunning_set_levels(by_previous)

    def _reapply_levels(self):
        by_level = defaultdict(list)
        for line in self.line_ids.filtered("level_id"):
            by_level[(line.level_id.id, line.communication_id.date)].append(line.move_id.id)
        self.env["account.move"]._adv_dunning_set_levels(by_level)

    def _send(self):
        """Send the reminders by their channel.

        :return: (sent reminders, [(failed reminder, error message)])
        """
        errors = []
        done = self.browse()
        # The portal links of the e-mails and letters (_get_invoice_actions) need a token
        # on every invoice: given to the whole batch at once, not while rendering each.
        self.line_ids.move_id._adv_portal_ensure_tokens()
        by_channel = defaultdict(lambda: self.browse())
        for communication in self:
            by_channel[communication.channel] |= communication
        for channel, communications in by_channel.items():
            ok, ko = getattr(communications, f"_send_{channel}")()
            done |= ok
            errors += ko
        if errors:
            failed = self.browse([c.id for c, _msg in errors])
            for communication, message in errors:
                communication.error_message = message
            failed._restore_levels()
            failed.state = "failed"
        done._after_send()
        return done, errors

    def _get_invoice_actions(self):
        """Override hook: what the customer can do online about each invoice of the
        reminders. The e-mail templates (``adv_dunning.mail_reminder_invoice_actions``) show
        each action as a link under its invoice, the letter as a printed address and a QR
        code.

        Here: view and pay the invoice on Odoo's customer portal, through its link with the
        invoice's access token (the page works for a visitor without an account, and offers
        *Pay now* when an online payment provider is set up: ``account_payment``). Add an
        action with ``super()``: adv_disputes_dunning adds *Contest this invoice*.

        Batch: one statement gives the invoices without one their token.

        :return: ``{reminder id: {invoice id: [{"code": str, "label": str, "url": str}]}}``,
            labels in the customer's language, absolute URLs
        """
        self.line_ids.move_id._adv_portal_ensure_tokens()
        actions = {}
        for communication in self:
            env = communication.with_context(lang=communication.partner_id.lang).env
            base_url = communication.get_base_url()
            actions[communication.id] = {
                move.id: [
                    {
                        "code": "pay",
                        "label": env._("View and pay online"),
                        "url": base_url + move.get_portal_url(),
                    }
                ]
                for move in communication.line_ids.move_id
            }
        return actions

    @api.model
    def _get_printed_url(self, url):
        """The address printed on a letter under its QR code: without the scheme, which a
        browser adds by itself (the shortest form that needs no link shortener)."""
        return url.split("://", 1)[-1]

    @api.model
    def _get_qr_code_src(self, value):
        """A QR code of ``value`` as an embedded ``data:`` PNG image: the PDF engine fetches
        nothing (the report's barcode route would make it call the server back).

        Drawn by ``qrcode`` and Pillow (both required by Odoo) rather than by
        ``ir.actions.report.barcode()``: reportlab 4 draws PNG images only with a renderer
        that its pip package lacks (rl-renderPM or rlPyCairo; Debian's package has it)."""
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        code.add_data(value)
        code.make(fit=True)
        # About 300 dpi at the 22 mm the letter prints it (260 px): wkhtmltopdf stores
        # every image as a JPEG of its own pixels, and qrcode's default (10 px per module,
        # about 490 px for an invoice's address) made each code 57 kB, two per invoice
        # (42 kB at 270 px). Measured on a letter of 8 invoices: 2.04 MB, then 1.80 MB;
        # the rest is wkhtmltopdf without patched Qt drawing the text as paths.
        code.box_size = max(2, round(QR_PIXELS / (code.modules_count + 2 * code.border)))
        stream = io.BytesIO()
        code.make_image().save(stream, format="PNG")
        return image_data_uri(base64.b64encode(stream.getvalue()))

    def _get_letter_subject(self):
        """The subject line of the letter ("Objet : ..."), in the customer's language."""
        self.ensure_one()
        env = self.with_context(lang=self.partner_id.lang).env
        names = self.line_ids.move_id.mapped("name")
        invoices = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        amount = formatLang(env, self.amount_total, currency_obj=self.currency_id)
        if self.formal_notice:
            return env._(
                "Formal notice to pay %(amount)s (invoices %(invoices)s)",
                amount=amount,
                invoices=invoices,
            )
        return env._(
            "Overdue invoices: %(amount)s (invoices %(invoices)s)",
            amount=amount,
            invoices=invoices,
        )

    def _get_mail_template(self):
        """The level's template, or the shipped one that fits the level."""
        self.ensure_one()
        level = self.level_id
        if level.mail_template_id:
            return level.mail_template_id
        if level.formal_notice:
            return self.env.ref("adv_dunning.mail_template_formal_notice")
        if level.days_after_due < 0:
            return self.env.ref("adv_dunning.mail_template_courtesy")
        return self.env.ref("adv_dunning.mail_template_reminder")

    def _render_letters(self):
        """The letters of the reminders as PDF: a few wkhtmltopdf calls for the whole
        batch (see ``_render_letters_batch``); one call per reminder for those that fail.

        :return: ({reminder id: file content}, [(reminder, error message)])
        """
        report = self.env.ref("adv_dunning.action_report_adv_dunning_letter")
        reports = self.env["ir.actions.report"]
        letters, errors = {}, []
        if len(self) > 1 and self._letters_as_pdf():
            letters = self._render_letters_batch(report)
        # One letter, letters whose batch failed, or tests (HTML rendering).
        for communication in self.filtered(lambda c: c.id not in letters):
            try:
                with self.env.cr.savepoint():
                    letters[communication.id] = reports._render_qweb_pdf(
                        report.report_name, communication.ids
                    )[0]
            except Exception as exc:  # a failure skips this customer only
                errors.append((communication, str(exc)))
        return letters, errors

    def _render_letters_batch(self, report):
        """The letters in as few wkhtmltopdf calls as the engine allows.

        With a wkhtmltopdf built on its patched Qt: Odoo's way, one call for all (one HTML
        file per letter, split at the outlines). With the distributions' build, which
        cannot: one HTML document per ``LETTERS_PER_CALL`` letters, split at markers (see
        ``letter_pdf``); one document of 500 letters would be laid out as one page flow
        of over a thousand pages.

        :return: {reminder id: file content} of the letters rendered (a group that fails
            is left out, for the caller to render its letters one by one)
        """
        reports = self.env["ir.actions.report"]
        letters = {}
        try:
            patched = letter_pdf.wkhtmltopdf_is_patched(_get_wkhtmltopdf_bin())
        except OSError:  # no wkhtmltopdf: Odoo's own message, letter by letter
            return letters
        groups = [self] if patched else split_every(LETTERS_PER_CALL, self.ids, self.browse)
        for group in groups:
            if len(group) < 2:
                continue
            try:
                with self.env.cr.savepoint():
                    if not patched:
                        letters.update(group._render_letters_in_one(report))
                        continue
                    streams, report_type = reports._pre_render_qweb_pdf(
                        report.report_name, group.ids
                    )
                    if report_type == "pdf" and all(
                        streams.get(rid, {}).get("stream") for rid in group.ids
                    ):
                        letters.update(
                            {rid: streams[rid]["stream"].getvalue() for rid in group.ids}
                        )
            except Exception as exc:  # these letters are rendered one by one
                _logger.info("Batch rendering of %s reminder letters failed: %s", len(group), exc)
        return letters

    def _letters_as_pdf(self):
        """Odoo's rule: reports are HTML under tests unless a test asks for the PDF.

        ``force_report_rendering`` is Odoo's own key (``_pre_render_qweb_pdf``), read only
        on a server started with tests: elsewhere the letters are PDF whatever the client
        sends, and either way the key only picks how they are rendered, no check."""
        return not (
            (config["test_enable"] or config["test_file"])
            and not self.env.context.get("force_report_rendering")
        )

    def _render_letters_in_one(self, report):
        """The letters in one wkhtmltopdf call of one HTML document, split at the markers
        of ``letter_pdf`` (a wkhtmltopdf without patched Qt).

        :return: {reminder id: file content}
        """
        reports = self.env["ir.actions.report"].with_context(webp_as_jpg=True)
        html = reports._render_qweb_html(report.report_name, self.ids, data={"report_type": "pdf"})[
            0
        ]
        bodies, html_ids, header, footer, paper_args = reports._get_report(report)._prepare_html(
            html, report_model=self._name
        )
        if html_ids != self.ids:
            raise ValueError("the letters' template does not give one article per reminder")
        pdf = reports._run_wkhtmltopdf(
            [letter_pdf.merge_bodies(bodies, html_ids)],
            report_ref=report.report_name,
            header=header,
            footer=footer,
            specific_paperformat_args=paper_args,
        )
        return letter_pdf.split_by_markers(pdf, html_ids)

    def _attach_letters(self):
        """Render the letters and attach them to the reminders.

        :return: ({reminder id: ir.attachment}, [(reminder, error message)])
        """
        letters, errors = self._render_letters()
        rendered = self.filtered(lambda c: c.id in letters)
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": _(
                        "Reminder %(partner)s %(date)s.pdf",
                        partner=communication.partner_id.name,
                        date=communication.date,
                    ),
                    "raw": letters[communication.id],
                    "res_model": communication._name,
                    "res_id": communication.id,
                    "mimetype": "application/pdf",
                }
                for communication in rendered
            ]
        )
        return dict(zip(rendered.ids, attachments, strict=True)), errors

    def _send_email(self):
        """E-mail with the level's template, the letter attached as PDF.

        Subjects and bodies are rendered per template for the whole batch, the letters
        in one PDF rendering; each reminder is then posted in its own savepoint so that
        one failing customer does not stop the others.

        The e-mails go to Odoo's mail queue (``mail.mail`` outgoing), sent by its own
        scheduled action, woken up once per batch: by default ``message_post`` sends
        each e-mail right after the commit, in the process running the reminders, so a
        batch of hundreds of customers ended in as many SMTP exchanges, the run (and
        its lock) or the manager who clicked *Send* waiting for the mail server. The
        queue sends them in its own process, in batches.
        """
        errors = []
        done = self.browse()
        valid = self.browse()
        for communication in self:
            if communication.partner_id.email:
                valid |= communication
            else:
                errors.append((communication, _("The customer has no e-mail address.")))
        if not valid:
            return done, errors
        letters, errors_letters = valid._attach_letters()
        errors += errors_letters
        valid = valid.filtered(lambda c: c.id in letters)
        queued = valid.with_context(mail_notify_force_send=False)
        for template, communications in queued.grouped(lambda c: c._get_mail_template()).items():
            rendered = template._generate_template(
                communications.ids, ("subject", "body_html", "email_from", "reply_to")
            )
            for communication in communications:
                values = rendered[communication.id]
                try:
                    with self.env.cr.savepoint():
                        communication.message_post(
                            body=values.get("body_html") or "",
                            subject=values.get("subject"),
                            email_from=values.get("email_from") or None,
                            reply_to=values.get("reply_to") or None,
                            partner_ids=communication.partner_id.ids,
                            attachment_ids=letters[communication.id].ids,
                            message_type="comment",
                            subtype_xmlid="mail.mt_comment",
                            email_layout_xmlid="mail.mail_notification_light",
                        )
                except Exception as exc:  # a failure skips this customer only
                    _logger.info("Reminder %s not sent: %s", communication.id, exc)
                    errors.append((communication, str(exc)))
                    continue
                done |= communication
        if done:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        done.state = "sent"
        return done, errors

    def _send_letter(self):
        """Letter: the PDF is generated and attached, for a person to print and post."""
        letters, errors = self._attach_letters()
        done = self.filtered(lambda c: c.id in letters)
        done.state = "pending"
        return done, errors

    def _send_phone(self):
        """Phone: an activity for the responsible clerk, on the customer."""
        activity_type = self.env.ref("mail.mail_activity_data_call")
        model_id = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": communication.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": _("Reminder call: %(level)s", level=communication.level_id.name),
                    "note": _(
                        "Call the customer about %(amount)s overdue.",
                        amount=communication._format_amount(communication.amount_residual),
                    ),
                    "user_id": (communication.partner_id.user_id or communication.user_id).id,
                    "date_deadline": communication.date,
                }
                for communication in self
            ]
        )
        self.state = "pending"
        return self, []

    def _send_manual(self):
        """Manual: listed for a person to handle."""
        self.state = "pending"
        return self, []

    def _format_amount(self, amount):
        self.ensure_one()
        return f"{amount:.{self.currency_id.decimal_places}f} {self.currency_id.symbol or ''}"

    def _after_send(self):
        """History on the customers and the invoices, credit holds: batched."""
        if not self:
            return
        hold = self.filtered("level_id.hold_customer")
        for company, communications in hold.grouped("company_id").items():
            communications.partner_id.with_company(company)._adv_dunning_set_hold(True)
        partner_bodies = {}
        for communication in self:
            partner_bodies[communication.partner_id.id] = Markup("%s<br/>%s") % (
                _("Reminder sent: %(level)s", level=communication.level_id.name),
                _(
                    "Amount due: %(amount)s",
                    amount=communication._format_amount(communication.amount_residual),
                ),
            )
        self.partner_id._message_log_batch(partner_bodies)
        move_bodies = {}
        for line in self.line_ids.filtered("level_id"):
            move_bodies[line.move_id.id] = _(
                "Reminder level reached: %(level)s", level=line.level_id.name
            )
        self.line_ids.move_id.browse(list(move_bodies))._message_log_batch(move_bodies)
