import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.adv_base.tools import decided, ensure_decided

_logger = logging.getLogger(__name__)

# Changing one of these after a check (or a waiver) makes the order "to check" again
# (the default of _adv_conformity_trigger_fields).
ADV_ORDER_FIELDS = {
    "order_line",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "pricelist_id",
    "payment_term_id",
    "commitment_date",
    "client_order_ref",
}
# The actions of the order form the suite adds or blocks: adv_can_<action> shows the button
# to the users _adv_allowed_<action> lets take it, and _ensure_can_<action> refuses the others.
ADV_ACTIONS = (
    "check",
    "confirm",
    "waive",
    "release_hold",
    "import",
    "mark_ready",
    "send_delay_notice",
)
QUOTATION_STATES = ("draft", "sent")
# Decisions: written only by the methods that make them (adv_base.tools.decision).
ADV_DECISION_FIELDS = {
    "adv_conformity_state",
    "adv_waived_by_id",
    "adv_waived_date",
    "adv_waiver_reason",
    "adv_hold",
    "adv_hold_date",
    "adv_hold_released_by_id",
    "adv_hold_release_date",
    "adv_hold_release_reason",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    adv_conformity_state = fields.Selection(
        [
            ("to_check", "To Check"),
            ("conform", "Conform"),
            ("warning", "Warning"),
            ("blocked", "Blocked"),
            ("waived", "Waived"),
        ],
        string="Conformity",
        default="to_check",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Result of the ADV conformity check: a blocked quotation cannot be confirmed "
        "until an ADV manager waives its blocking findings.",
    )
    adv_finding_ids = fields.One2many(
        "adv.conformity.finding",
        "order_id",
        string="Conformity Findings",
        copy=False,
        readonly=True,
    )
    adv_blocking_summary = fields.Text(
        string="Blocking Findings",
        compute="_compute_adv_blocking_summary",
        help="The blocking findings, one a line (rule: message), for notes and activities.",
    )
    adv_blocking_html = fields.Html(
        string="Blocking Findings List",
        compute="_compute_adv_blocking_summary",
        help="The blocking findings as a list (rule and message), shown in the banner of a "
        "blocked quotation or of an order on hold.",
    )
    adv_waived_by_id = fields.Many2one(
        "res.users",
        string="Waived By",
        copy=False,
        readonly=True,
        ondelete="set null",
        tracking=True,
    )
    adv_waived_date = fields.Datetime(string="Waived On", copy=False, readonly=True)
    adv_waiver_reason = fields.Text(
        string="Waiver Reason", copy=False, readonly=True, tracking=True
    )
    # What the current user may do on the order: the buttons show these, and the actions
    # refuse what they refuse (_adv_allowed is the one rule of both, see _ensure_can).
    adv_can_check = fields.Boolean(compute="_compute_adv_can")
    adv_can_confirm = fields.Boolean(compute="_compute_adv_can")
    adv_can_waive = fields.Boolean(compute="_compute_adv_can")
    adv_can_import = fields.Boolean(compute="_compute_adv_can")
    adv_can_mark_ready = fields.Boolean(compute="_compute_adv_can")
    adv_can_send_delay_notice = fields.Boolean(compute="_compute_adv_can")
    # Orders on hold: confirmed by a path that must not fail (portal signature or payment,
    # e-commerce, another module) despite blocking findings. Their deliveries wait and the
    # invoicing run skips them until an ADV manager releases them with a reason.
    adv_hold = fields.Boolean(
        string="On Hold",
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
        help="Confirmed despite blocking findings: its deliveries cannot be validated and it "
        "is not invoiced until an ADV manager releases it.",
    )
    adv_hold_date = fields.Datetime(string="Held Since", copy=False, readonly=True)
    adv_hold_released_by_id = fields.Many2one(
        "res.users", string="Released By", copy=False, readonly=True, ondelete="set null"
    )
    adv_hold_release_date = fields.Datetime(string="Released On", copy=False, readonly=True)
    adv_hold_release_reason = fields.Text(
        string="Release Reason", copy=False, readonly=True, tracking=True
    )
    adv_can_release_hold = fields.Boolean(compute="_compute_adv_can")
    adv_ack_date = fields.Datetime(
        string="Acknowledged On",
        copy=False,
        readonly=True,
        help="When the order acknowledgment was e-mailed to the customer (sent once).",
    )
    adv_ready_to_confirm = fields.Boolean(
        string="Ready to Confirm",
        copy=False,
        help="The scheduled action confirms ready quotations without finding when the "
        "company enables automatic confirmation.",
    )
    # Delivery tracking
    adv_promised_date = fields.Datetime(
        string="Promised Date",
        compute="_compute_adv_promised_date",
        store=True,
        index=True,
        help="The next delivery date promised to the customer: the earliest promised date of "
        "the goods lines not yet delivered in full (the latest one once all are delivered).",
    )
    adv_effective_date = fields.Datetime(
        string="Delivered On",
        compute="_compute_adv_delivery",
        help="Date the last delivery was done, once the order is fully delivered.",
    )
    adv_delivery_status = fields.Selection(
        [
            ("to_deliver", "To Deliver"),
            ("late", "Late"),
            ("on_time", "Delivered on Time"),
            ("delivered_late", "Delivered Late"),
        ],
        string="Delivery Punctuality",
        compute="_compute_adv_delivery",
    )
    adv_is_late = fields.Boolean(
        string="Late Delivery",
        compute="_compute_adv_delivery",
        search="_search_adv_is_late",
        help="The promised date has passed and the order is not fully delivered.",
    )

    # ------------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends(
        "state",
        "adv_conformity_state",
        "adv_hold",
        "adv_ready_to_confirm",
        "adv_delivery_status",
    )
    def _compute_adv_can(self):
        # One access query for the batch, then each action's rule on the writable orders.
        writable = self._filtered_access("write")
        for action in ADV_ACTIONS:
            allowed = set(writable._adv_allowed(action)._ids)
            for order in self:
                order[f"adv_can_{action}"] = order.id in allowed

    @api.depends(
        "adv_finding_ids.severity",
        "adv_finding_ids.message",
        "adv_finding_ids.rule_id.name",
    )
    def _compute_adv_blocking_summary(self):
        for order in self:
            blocking = order.adv_finding_ids.filtered(lambda f: f.severity == "blocking")
            order.adv_blocking_summary = "\n".join(
                f"{finding.rule_id.name}: {finding.message}" for finding in blocking
            )
            # Markup escapes the rule names and messages it is formatted with.
            items = Markup("").join(
                Markup("<li><strong>%s</strong>: %s</li>") % (finding.rule_id.name, finding.message)
                for finding in blocking
            )
            order.adv_blocking_html = items and Markup("<ul class='mb-0 ps-3'>%s</ul>") % items

    @api.depends(
        "order_line.adv_promised_date",
        "order_line.qty_delivered",
        "order_line.product_uom_qty",
        "order_line.product_id",
    )
    def _compute_adv_promised_date(self):
        # Read from the lines (sale.order.line.adv_promised_date, the one definition): the
        # promise still to keep is the earliest of the lines not delivered in full, so an
        # order whose first line left on time is not late before its next line is due (the
        # OTIF KPI counts that line on time and the other one not due yet).
        for order in self:
            lines = order.order_line._adv_promised_goods()
            open_lines = lines - lines._adv_delivered_in_full()
            dates = (open_lines or lines).mapped("adv_promised_date")
            order.adv_promised_date = (min(dates) if open_lines else max(dates)) if dates else False

    @api.depends(
        "state",
        "adv_promised_date",
        "delivery_status",
        "picking_ids.date_done",
        "order_line.move_ids.state",
    )
    def _compute_adv_delivery(self):
        # A promise is kept until the end of its day, in the user's time zone (the day the
        # OTIF KPI reads): an order promised today is not late.
        today = fields.Date.context_today(self)
        for order in self:
            done = order.picking_ids.filtered(
                lambda p: p.state == "done" and p.picking_type_code == "outgoing"
            )
            delivered = order.delivery_status == "full"
            order.adv_effective_date = delivered and max(done.mapped("date_done"), default=False)
            promised = order.adv_promised_date
            if order.state != "sale" or not order.delivery_status or not promised:
                order.adv_delivery_status = False
            elif delivered:
                late = order.order_line._adv_promised_goods()._adv_delivered_late()
                order.adv_delivery_status = "delivered_late" if late else "on_time"
            else:
                late = self._adv_local_date(promised) < today
                order.adv_delivery_status = "late" if late else "to_deliver"
            order.adv_is_late = order.adv_delivery_status == "late"

    def _adv_local_date(self, value):
        """The day of a UTC datetime in the user's time zone."""
        return fields.Datetime.context_timestamp(self, value).date()

    def _adv_today_start(self):
        """Midnight of today in the user's time zone, as a UTC datetime (for domains)."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(fields.Date.context_today(self), time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _search_adv_is_late(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on late deliveries."))
        late_domain = [
            ("state", "=", "sale"),
            ("adv_promised_date", "<", self._adv_today_start()),
            ("delivery_status", "in", ("pending", "started", "partial")),
        ]
        if (operator == "=") == bool(value):
            return late_domain
        return ["!", "&", "&", *late_domain]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        ensure_decided(self, ADV_DECISION_FIELDS, vals_list, create=True)
        orders = super().create(vals_list)
        if self.env.context.get("adv_check_on_save"):
            orders._adv_check()
        return orders

    def write(self, vals):
        ensure_decided(self, ADV_DECISION_FIELDS, [vals])
        changed = self.browse()
        if self._adv_conformity_trigger_fields() & vals.keys():
            changed = self.filtered(
                lambda o: o.state in ("draft", "sent") and o.adv_conformity_state != "to_check"
            )
        res = super().write(vals)
        changed._adv_mark_to_check()
        if self.env.context.get("adv_check_on_save"):
            self._adv_check()
        return res

    def web_save(self, vals, specification, next_id=None):
        # Findings are refreshed when a user saves the order, not on every ORM write: Odoo
        # flows creating orders by code keep their cost.
        return super(SaleOrder, self.with_context(adv_check_on_save=True)).web_save(
            vals, specification, next_id=next_id
        )

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Check the quotations first: a blocked one is refused to a user, and confirmed
        but held when the confirmation comes from a path that must not fail."""
        self._adv_check()
        quotations = self.filtered(lambda o: o.state in QUOTATION_STATES)
        blocked = quotations - quotations._adv_allowed("confirm")
        if blocked and self._adv_is_interactive():
            raise UserError(blocked._adv_blocked_message())
        res = super().action_confirm()
        blocked.filtered(lambda o: o.state == "sale")._adv_put_on_hold()
        self._adv_send_acknowledgment()
        return res

    def action_adv_check(self):
        """Check the quotations again (a waived quotation keeps its waiver)."""
        self._ensure_can_check()
        self._adv_check()
        return True

    def action_adv_open_waive_wizard(self):
        self.ensure_one()
        self._ensure_can_waive()
        return self._adv_wizard_action(
            "adv.conformity.waive.wizard", _("Waive Findings"), {"default_order_id": self.id}
        )

    def action_adv_waive(self, reason):
        """Waive the findings of the quotations so that they can be confirmed.

        Only an ADV manager may waive; the reason is mandatory and kept on the order and
        in its chatter.
        """
        reason = self._adv_manager_reason(
            reason,
            _("Only an ADV manager can waive conformity findings."),
            _("Give the reason of the waiver."),
        )
        self.filtered(lambda o: o.adv_conformity_state == "to_check")._adv_check()
        self._ensure_can_waive()
        decided(self).write(
            {
                "adv_conformity_state": "waived",
                "adv_waived_by_id": self.env.user.id,
                "adv_waived_date": fields.Datetime.now(),
                "adv_waiver_reason": reason,
            }
        )
        for order in self:
            order.message_post(
                body=_(
                    "Conformity findings waived by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_adv_open_release_wizard(self):
        self.ensure_one()
        self._ensure_can_release_hold()
        return self._adv_wizard_action(
            "adv.order.release.wizard", _("Release the Hold"), {"default_order_ids": self.ids}
        )

    def action_adv_release_hold(self, reason):
        """Release orders on hold: their deliveries and invoicing go ahead.

        Only an ADV manager may release; the reason is mandatory and kept on the order and
        in its chatter, with who and when.
        """
        reason = self._adv_manager_reason(
            reason,
            _("Only an ADV manager can release an order on hold."),
            _("Give the reason of the release."),
        )
        self._ensure_can_release_hold()
        decided(self).write(
            {
                "adv_hold": False,
                "adv_hold_released_by_id": self.env.user.id,
                "adv_hold_release_date": fields.Datetime.now(),
                "adv_hold_release_reason": reason,
            }
        )
        # acknowledged now that ADV let the order go (not while it was held)
        self._adv_send_acknowledgment()
        self.activity_feedback(["adv_orders.mail_activity_type_order_hold"], feedback=reason)
        for order in self:
            order.message_post(
                body=_(
                    "Hold released by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_adv_mark_ready(self):
        self._ensure_can_mark_ready()
        self.write({"adv_ready_to_confirm": True})
        self._adv_check()
        return True

    def action_adv_send_delay_notice(self):
        self.ensure_one()
        self._ensure_can_send_delay_notice()
        template = self.env.ref("adv_orders.mail_template_delay_notice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "sale.order",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": (
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
            },
        }

    # ------------------------------------------------------------------
    # GUARDS: what a user may do (the buttons' adv_can_* and the actions' refusals)
    # ------------------------------------------------------------------

    def _adv_allowed(self, action):
        """The orders of ``self`` on which the current user may take ``action`` (one of
        ADV_ACTIONS), write access apart: ``_adv_allowed_<action>``. The one rule behind
        the button (``adv_can_<action>``) and the refusal (``_ensure_can_<action>``); an
        addon that adds or restricts an action overrides its method."""
        return getattr(self, f"_adv_allowed_{action}")()

    def _adv_allowed_check(self):
        # a waived quotation keeps its waiver: checking it again would change nothing
        return self.filtered(
            lambda o: o.state in QUOTATION_STATES and o.adv_conformity_state != "waived"
        )

    def _adv_allowed_confirm(self):
        # Blocked quotations are confirmed by nobody: an ADV manager waives them first.
        # (Confirmations by the system are held instead, see action_confirm.)
        return self.filtered(
            lambda o: o.state in QUOTATION_STATES and o.adv_conformity_state != "blocked"
        )

    def _adv_allowed_waive(self):
        if not self.env.user.has_group("adv_base.group_adv_manager"):
            return self.browse()
        return self.filtered(
            lambda o: (
                o.state in QUOTATION_STATES and o.adv_conformity_state in ("blocked", "warning")
            )
        )

    def _adv_allowed_release_hold(self):
        if not self.env.user.has_group("adv_base.group_adv_manager"):
            return self.browse()
        return self.filtered("adv_hold")

    def _adv_allowed_import(self):
        if not self.env["adv.order.import.wizard"].has_access("create"):
            return self.browse()
        return self.filtered(lambda o: o.state in QUOTATION_STATES)

    def _adv_allowed_mark_ready(self):
        return self.filtered(lambda o: o.state in QUOTATION_STATES and not o.adv_ready_to_confirm)

    def _adv_allowed_send_delay_notice(self):
        return self.filtered(lambda o: o.state == "sale" and o.adv_delivery_status == "late")

    def _ensure_can(self, action, message):
        """Refuse ``action`` unless the user may write the orders (AccessError) and
        ``_adv_allowed`` lets them take it (UserError with ``message``, which names the
        refused orders with ``%(orders)s``)."""
        self.check_access("write")
        refused = self - self._adv_allowed(action)
        if refused:
            raise UserError(message % {"orders": ", ".join(refused.mapped("display_name"))})

    def _ensure_can_check(self):
        self._ensure_can(
            "check", _("Only quotations that are not waived can be checked: %(orders)s")
        )

    def _ensure_can_waive(self):
        if not self.env.user.has_group("adv_base.group_adv_manager"):
            raise AccessError(_("Only an ADV manager can waive conformity findings."))
        self._ensure_can("waive", _("Only quotations with findings can be waived: %(orders)s"))

    def _ensure_can_release_hold(self):
        if not self.env.user.has_group("adv_base.group_adv_manager"):
            raise AccessError(_("Only an ADV manager can release an order on hold."))
        self._ensure_can("release_hold", _("These orders are not on hold: %(orders)s"))

    def _ensure_can_import(self):
        self.env["adv.order.import.wizard"].check_access("create")
        self._ensure_can(
            "import", _("Order files can only be imported into a quotation: %(orders)s")
        )

    def _ensure_can_mark_ready(self):
        self._ensure_can(
            "mark_ready",
            _("Only quotations not marked ready yet can be marked ready: %(orders)s"),
        )

    def _ensure_can_send_delay_notice(self):
        self._ensure_can(
            "send_delay_notice",
            _("A delay notice is only sent for a confirmed order that is late: %(orders)s"),
        )

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    def _adv_is_interactive(self):
        """Whether a blocked order must stop the confirmation.

        Confirmations made by the system (payment transactions, website checkout, portal
        signature, scheduled actions: all run as superuser or sudo) and by portal users only
        record the findings: the ADV team sees them on the order.
        """
        user = self.env.user
        return not (self.env.su or user._is_superuser() or not user._is_internal())

    def _adv_blocked_message(self):
        lines = []
        for order in self:
            lines.append(_("%(order)s cannot be confirmed:", order=order.name))
            findings = order.adv_finding_ids
            lines += [f"- {f.message}" for f in findings if f.severity == "blocking"]
            warnings = [f"- {f.message}" for f in findings if f.severity == "warning"]
            if warnings:
                lines.append(_("Warnings:"))
                lines += warnings
        lines.append(_("An ADV manager can waive these findings with a reason."))
        return "\n".join(lines)

    @api.model
    def _adv_wizard_action(self, model, name, context):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    @api.model
    def _adv_manager_reason(self, reason, denied_message, missing_message):
        """The guard of a manager's decision (waiver, release): the user is an ADV manager
        and gives a reason. Return the reason, stripped."""
        if not self.env.user.has_group("adv_base.group_adv_manager"):
            raise AccessError(denied_message)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(missing_message)
        return reason

    @api.model
    def _adv_conformity_trigger_fields(self):
        """Order fields whose change sends a checked (or waived) quotation back to "to
        check". Override to add the fields a new rule type reads (see readme/DEVELOP.md)."""
        return set(ADV_ORDER_FIELDS)

    def _adv_send_acknowledgment(self):
        """The order acknowledgment (accusé de réception de commande): once per order, when
        it is confirmed and not held (or when its hold is released), for the companies that
        switched it on. Odoo's own order notification: posted in the chatter and e-mailed
        to the customer with the order PDF."""
        to_ack = self.filtered(
            lambda o: (
                o.state == "sale"
                and not o.adv_hold
                and not o.adv_ack_date
                and o.company_id.adv_order_ack_enabled
            )
        )
        if not to_ack:
            return
        template = self.env.ref("adv_orders.mail_template_order_acknowledgment")
        for order in to_ack:
            order._send_order_notification_mail(template)
        # sudo: a bookkeeping date, set whoever confirms (a portal customer included)
        to_ack.sudo().adv_ack_date = fields.Datetime.now()

    def _adv_put_on_hold(self):
        """Hold confirmed orders that had blocking findings: a note lists the findings
        and the ADV team gets an activity to decide."""
        if not self:
            return
        decided(self).write({"adv_hold": True, "adv_hold_date": fields.Datetime.now()})
        activity_type = self.env.ref("adv_orders.mail_activity_type_order_hold")
        managers = self.env.ref("adv_base.group_adv_manager").users
        for order in self:
            order.message_post(
                body=_(
                    "Confirmed with blocking findings: the order is on hold until an ADV "
                    "manager releases it.\n%(findings)s",
                    findings=order.adv_blocking_summary,
                ),
                subtype_xmlid="mail.mt_note",
            )
            # The salesperson if an ADV clerk, else an ADV manager of the company.
            user = order.user_id
            if not (user and user.has_group("adv_base.group_adv_user")):
                user = managers.filtered(lambda u, order=order: order.company_id in u.company_ids)[
                    :1
                ]
            order.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Order on hold: release it or cancel it"),
                note=order.adv_blocking_summary,
                user_id=(user or self.env.user).id,
            )

    def _adv_mark_to_check(self):
        """The order changed after a check or a waiver: its findings are no longer valid."""
        orders = self.filtered(
            lambda o: o.state in ("draft", "sent") and o.adv_conformity_state != "to_check"
        )
        if not orders:
            return
        waived = orders.filtered(lambda o: o.adv_conformity_state == "waived")
        decided(orders).with_context(adv_check_on_save=False).write(
            {
                "adv_conformity_state": "to_check",
                "adv_waived_by_id": False,
                "adv_waived_date": False,
                "adv_waiver_reason": False,
            }
        )
        for order in waived:
            order.message_post(
                body=_("The order changed after the waiver: it must be checked again."),
                subtype_xmlid="mail.mt_note",
            )

    def _adv_check(self):
        """Run the active conformity rules on the quotations and store their findings.

        The cost does not depend on the number of lines or rules: every rule type reads
        what it needs for all the orders at once, and findings are replaced in one batch.
        """
        orders = self.filtered(
            lambda o: o.state in ("draft", "sent") and o.adv_conformity_state != "waived"
        ).with_context(adv_check_on_save=False)
        if not orders:
            return
        rules = self.env["adv.conformity.rule"].search(
            [("company_id", "in", [False, *orders.company_id.ids])]
        )
        vals_list = rules._check_orders(orders)
        # Keep the findings that did not change: saving an unchanged order writes nothing.
        stale = {
            (f.order_id.id, f.rule_id.id, f.order_line_id.id, f.severity, f.message): f
            for f in orders.adv_finding_ids
        }
        new_vals = [
            vals
            for vals in vals_list
            if not stale.pop(
                (
                    vals["order_id"],
                    vals["rule_id"],
                    vals["order_line_id"] or False,
                    vals["severity"],
                    vals["message"],
                ),
                None,
            )
        ]
        # Findings are read-only to every user (they record what the check found): the
        # check, which any user who saves an order triggers, writes them as the system.
        findings = self.env["adv.conformity.finding"].sudo()
        findings.browse(f.id for f in stale.values()).unlink()
        findings.create(new_vals)
        severities = defaultdict(set)
        for vals in vals_list:
            severities[vals["order_id"]].add(vals["severity"])
        by_state = defaultdict(list)
        for order in orders:
            found = severities[order.id]
            state = "blocked" if "blocking" in found else "warning" if found else "conform"
            if order.adv_conformity_state != state:
                by_state[state].append(order.id)
        for state, ids in by_state.items():
            decided(orders.browse(ids)).write({"adv_conformity_state": state})

    @api.model
    def _cron_adv_auto_confirm(self):
        """Confirm the quotations marked ready that have no finding, for the companies that
        enabled it."""
        companies = self.env["res.company"].search([("adv_auto_confirm", "=", True)])
        if not companies:
            return
        orders = self.search(
            [
                ("state", "in", ("draft", "sent")),
                ("adv_ready_to_confirm", "=", True),
                ("company_id", "in", companies.ids),
            ]
        )
        orders._adv_check()
        for order in orders.filtered(lambda o: o.adv_conformity_state == "conform"):
            # One order failing (missing route, analytic, a database error...) must not
            # stop the others: it is told in its chatter and left for a clerk.
            try:
                with self.env.cr.savepoint():
                    order.action_confirm()
            except Exception as error:
                if not isinstance(error, UserError):
                    _logger.exception("Automatic confirmation of %s failed", order.name)
                order.message_post(
                    body=_(
                        "Automatic confirmation failed: %(error)s",
                        error=error.args[0] if error.args else repr(error),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    @api.model
    def _cron_adv_delivery_alerts(self):
        """Give the responsible clerk an activity on the orders about to miss their
        promised date (idempotent: one open alert per order)."""
        activity_type = self.env.ref("adv_orders.mail_activity_type_delivery_delay")
        now = fields.Datetime.now()
        orders = self.browse()
        for company in self.env["res.company"].search([]):
            orders |= self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("delivery_status", "in", ("pending", "started", "partial")),
                    ("adv_promised_date", "!=", False),
                    ("adv_promised_date", "<=", now + timedelta(days=company.adv_late_alert_days)),
                ]
            )
        # Not at risk if every open delivery is ready to ship and the date is still ahead.
        orders = orders.filtered(
            lambda o: (
                o.adv_promised_date < now
                or any(
                    p.state not in ("assigned", "done", "cancel")
                    for p in o.picking_ids
                    if p.picking_type_code == "outgoing"
                )
            )
        )
        if not orders:
            return
        alerted = set(
            self.env["mail.activity"]
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id("sale.order")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": activity_type.id,
                    "summary": _(
                        "Delivery at risk: promised on %(date)s",
                        date=fields.Date.to_string(order.adv_promised_date),
                    ),
                    "date_deadline": fields.Date.context_today(self),
                    "user_id": (order.user_id or self.env.user).id,
                }
                for order in orders
                if order.id not in alerted
            ]
        )
