import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from . import penalty

_logger = logging.getLogger(__name__)

# First key of the advisory lock taken by a run (the second is the company id): a constant
# so that two runs of the same company, in any process, exclude each other.
ADVISORY_LOCK_KEY = 0x41445644  # "ADVD"


class AdvDunningRun(models.Model):
    _name = "adv.dunning.run"
    _description = "Reminder run"
    _inherit = ["mail.thread", "adv.run.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    _adv_run_lock_key = ADVISORY_LOCK_KEY
    # Customers per batch: the computation writes and empties the cache after each; the
    # sending is one transaction per batch from the scheduled action (see adv.run.mixin).
    _batch_size = 500

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        readonly=True,
        help="Reminder levels and penalties are computed at this date.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "To review"),
            ("sending", "Sending"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    communication_ids = fields.One2many(
        "adv.dunning.communication", "run_id", string="Reminders", readonly=True
    )
    communication_count = fields.Integer(compute="_compute_communication_stats")
    sent_count = fields.Integer(compute="_compute_communication_stats")
    failed_count = fields.Integer(compute="_compute_communication_stats")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = _("Reminders of %(date)s", date=run.date) if run.date else False

    @api.depends("communication_ids.state")
    def _compute_communication_stats(self):
        stats = defaultdict(lambda: defaultdict(int))
        for run, state, count in self.env["adv.dunning.communication"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        ):
            stats[run.id][state] = count
        for run in self:
            counts = stats[run._origin.id]
            run.communication_count = sum(counts.values())
            run.sent_count = counts["sent"] + counts["pending"]
            run.failed_count = counts["failed"]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if self.communication_ids.filtered(lambda c: c.state in ("sent", "pending")):
            raise UserError(_("A run that sent reminders cannot be deleted."))

    def unlink(self):
        # Draft reminders give their level back to the invoices before disappearing.
        self.communication_ids.filtered(lambda c: c.state == "draft").action_cancel()
        return super().unlink()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_preview(self):
        """Compute the reminders without sending them, for review."""
        for run in self:
            if run.state != "draft":
                raise UserError(_("Only a draft run can be computed."))
            run._adv_run_lock()
            run._compute_communications()
            run.state = "computed"
        return True

    def action_send(self):
        """Send the reminders of a computed (reviewed) run."""
        for run in self:
            if run.state not in ("computed", "sending"):
                raise UserError(_("Compute the run before sending its reminders."))
            run._adv_run_all_steps()
        return True

    def action_run(self):
        """Compute and send, in the user's transaction.

        Idempotent: a run resumed after a crash computes only if nothing was computed and
        sends only the reminders still in draft.
        """
        for run in self.filtered(lambda r: r._adv_run_is_pending()):
            run._adv_run_all_steps()
        return True

    def action_cancel(self):
        for run in self:
            if run.state == "done":
                raise UserError(_("A run that is done cannot be cancelled."))
        self.communication_ids.filtered(lambda c: c.state == "draft").action_cancel()
        self.state = "cancel"
        return True

    @api.model
    def _cron_run(self):
        """Nightly: one batch of today's run of every company that switched the nightly run
        on (Settings) and has a policy; Odoo's cron runner commits and calls again while
        reminders are left to send (see adv.run.mixin)."""
        return self._adv_cron_execute()

    # ------------------------------------------------------------
    # BUSINESS: run (adv.run.mixin)
    # ------------------------------------------------------------

    @api.model
    def _adv_cron_runs(self):
        companies = self.env["res.company"].search(
            [("adv_dunning_policy_id", "!=", False), ("adv_dunning_run_enabled", "=", True)]
        )
        runs = self.browse()
        if not companies:
            return runs
        # Runs of earlier days that never finished (killed, failed on a stopped server, or a
        # preview nobody sent) hold draft reminders, which keep their customers out of the
        # next runs: closed, so that today's run reminds those customers at today's date.
        self._adv_close_dead_runs(
            [
                ("company_id", "in", companies.ids),
                ("state", "in", ("draft", "computed", "sending")),
            ]
        )
        for company in companies:
            if not self._adv_run_try_lock_company(company):
                continue  # another process finds or creates today's run of this company
            today = fields.Date.context_today(self.with_company(company))
            todays = self.search(
                [("company_id", "=", company.id), ("date", "=", today)], order="id"
            )
            if todays and all(run.state == "cancel" for run in todays):
                # A manager cancelled today's run (e.g. the preview shown when the nightly
                # run was switched on): the night does not send it anyway.
                continue
            runs |= todays.filtered(lambda run: run.state != "cancel")[:1] or self.create(
                {"company_id": company.id, "date": today}
            )
        return runs

    def _adv_run_close(self):
        """Cancel the draft reminders of a run that will not finish (levels given back)."""
        self.ensure_one()
        self.communication_ids.filtered(lambda c: c.state == "draft").action_cancel()
        self.state = "cancel"
        self._adv_run_log(
            _("Interrupted: closed by a later run, which reminds its customers again.")
        )

    def _adv_run_is_pending(self):
        self.ensure_one()
        return self.state in ("draft", "computed", "sending")

    def _adv_run_fail(self, message):
        """The batch that failed was rolled back; the reminders not sent yet are cancelled
        (their invoices get their level back) so that they block no customer."""
        self.ensure_one()
        self.communication_ids.filtered(lambda c: c.state == "draft").action_cancel()
        self.state = "failed"
        self._adv_run_log(message)

    def _adv_run_step(self):
        """Compute the whole run if it is not yet (one transaction: killed, it leaves
        nothing), then send one batch of its draft reminders."""
        self.ensure_one()
        if self.state == "draft":
            self._compute_communications()
        self.state = "sending"
        drafts = self.communication_ids.filtered(lambda c: c.state == "draft")
        batch = drafts[: self._batch_size]
        if batch:
            self._send_batch(batch)
        left = len(drafts) - len(batch)
        if not left:
            self.state = "done"
            self._adv_run_log(
                _(
                    "%(sent)s reminder(s) sent, %(failed)s failed.",
                    sent=self.sent_count,
                    failed=self.failed_count,
                )
            )
        return left

    # ------------------------------------------------------------
    # BUSINESS: compute
    # ------------------------------------------------------------

    def _get_candidates_query(self, bumped_partner_ids):
        """One grouped query: per customer whose invoices reached a new level, the
        reminder's level and the detail of its overdue invoices.

        The rules of issue 13 ("reminders that respect the customer"), all in this one
        query so that the run stays a single statement over the company's invoices:

        - the days an invoice spent paused (see ``_get_pause_periods_queries``) do not
          count toward its level: ``days_counted`` is the days overdue minus the paused
          days between its due date and the run date. A customer who contested an invoice
          for two weeks was not expected to pay it (nor reminded of it) meanwhile:
          without this, the first reminder after the dispute skipped straight to the
          formal notice;
        - after a pause that happened since the invoice's last reminder, the invoice goes
          up one level at most, whatever its days: the customer is told where things
          stand again before being escalated (``resumed``);
        - the reminder is at the highest level of the invoices it lists, the ones reaching
          a new level and the ones only recalled at the level they already reached: a
          customer whose oldest invoice is at the formal notice does not get a "first
          reminder" listing it because a newer invoice reached +1.

        The days late shown on the lines and the late-payment interest stay the real days
        overdue: a pause of the reminders suspends no legal interest.

        Its parts are override hooks: ``_get_candidate_conditions`` (which invoices),
        ``_get_pause_periods_queries`` (which days do not count),
        ``_get_next_level_query`` (which level) and ``_get_candidate_group_by`` (what
        makes one reminder); see readme/DEVELOP.md.
        """
        self.ensure_one()
        company = self.company_id
        # The pause periods read the promises that _check_due_promises() has just closed
        # (kept or broken) through the ORM: they must be in the database.
        self.env.flush_all()
        return SQL(
            """
WITH paused AS (
    -- per invoice, its pause periods merged (a promise during a dispute counts once)
    SELECT pp.move_id, range_agg(pp.period) AS periods
      FROM (%(pause_periods)s) pp
  GROUP BY pp.move_id
),
candidate AS (
    SELECT m.id,
           m.commercial_partner_id AS partner_id,
           m.invoice_date_due AS date_due,
           m.currency_id,
           m.amount_residual,
           m.amount_residual_signed,
           m.adv_dunning_level_id AS prev_level_id,
           m.adv_dunning_date AS prev_date,
           COALESCE((p.adv_dunning_policy_id ->> %(company_key)s)::int, %(default_policy)s)
               AS policy_id,
           cur.days_after_due AS cur_days,
           cur.policy_id AS cur_policy_id,
           COALESCE(m.adv_dunning_indemnity_invoiced, FALSE) AS indemnity_invoiced,
           (%(date)s::date - m.invoice_date_due) AS days_overdue,
           pz.periods,
           pen.penalty_move_id IS NOT NULL AS is_penalty_invoice
      FROM account_move m
      JOIN res_partner p ON p.id = m.commercial_partner_id
 LEFT JOIN adv_dunning_level cur ON cur.id = m.adv_dunning_level_id
 LEFT JOIN paused pz ON pz.move_id = m.id
 LEFT JOIN (SELECT DISTINCT penalty_move_id FROM adv_dunning_communication
             WHERE penalty_move_id IS NOT NULL) pen ON pen.penalty_move_id = m.id
     WHERE %(conditions)s
),
counted AS (
    SELECT c.*,
           -- paused days: the pause periods within [due date, run date) (none for an
           -- invoice not due yet); LEAST() keeps the ranges valid when a bound is after
           -- the run date
           c.days_overdue - CASE WHEN c.periods IS NULL THEN 0 ELSE COALESCE((
               SELECT SUM(upper(r) - lower(r))
                 FROM unnest(c.periods * datemultirange(daterange(
                          LEAST(c.date_due, %(date)s::date), %(date)s::date))) r
           ), 0) END AS days_counted,
           -- paused since its last reminder: the invoice resumes one level up at most
           COALESCE(c.prev_level_id IS NOT NULL AND c.periods && daterange(
               LEAST(c.prev_date, %(date)s::date), %(date)s::date), FALSE) AS resumed
      FROM candidate c
     WHERE c.policy_id IS NOT NULL
),
leveled AS (
    SELECT c.*, nl.id AS level_id, nl.days_after_due AS level_days,
           -- the level the invoice stands at once reminded: the new one, or the one it
           -- already reached (when it is a level of the customer's current policy)
           COALESCE(nl.id, CASE WHEN c.cur_policy_id = c.policy_id THEN c.prev_level_id END)
               AS held_level_id,
           COALESCE(nl.days_after_due, CASE WHEN c.cur_policy_id = c.policy_id THEN c.cur_days END)
               AS held_days
      FROM counted c
 LEFT JOIN LATERAL (%(next_level)s) nl ON TRUE
)
SELECT lv.partner_id,
       -- the reminder's level: the highest level of the invoices it lists
       (array_agg(lv.held_level_id ORDER BY lv.held_days DESC)
            FILTER (WHERE lv.held_level_id IS NOT NULL))[1] AS level_id,
       array_agg(lv.id ORDER BY lv.date_due, lv.id) AS move_ids,
       array_agg(lv.level_id ORDER BY lv.date_due, lv.id) AS level_ids,
       array_agg(lv.prev_level_id ORDER BY lv.date_due, lv.id) AS prev_level_ids,
       array_agg(lv.prev_date ORDER BY lv.date_due, lv.id) AS prev_dates,
       array_agg(lv.currency_id ORDER BY lv.date_due, lv.id) AS currency_ids,
       array_agg(lv.amount_residual ORDER BY lv.date_due, lv.id) AS residuals,
       array_agg(lv.amount_residual_signed ORDER BY lv.date_due, lv.id) AS residuals_company,
       array_agg(lv.date_due ORDER BY lv.date_due, lv.id) AS dates_due,
       array_agg(lv.days_overdue ORDER BY lv.date_due, lv.id) AS days_overdue,
       array_agg(lv.indemnity_invoiced ORDER BY lv.date_due, lv.id) AS indemnity_invoiced,
       array_agg(lv.is_penalty_invoice ORDER BY lv.date_due, lv.id) AS penalty_invoices
  FROM leveled lv
  JOIN adv_dunning_policy pol ON pol.id = lv.policy_id
 WHERE lv.level_id IS NOT NULL OR lv.days_overdue > 0
 GROUP BY %(group_by)s
HAVING bool_or(lv.level_id IS NOT NULL)
   AND NOT EXISTS (
       SELECT 1 FROM adv_dunning_communication dc
        WHERE dc.partner_id = lv.partner_id
          AND dc.company_id = %(company)s
          AND dc.state IN ('draft', 'pending', 'sent')
          AND dc.date > %(date)s::date - pol.min_interval_days)
 ORDER BY lv.partner_id
            """,
            conditions=SQL("\n       AND ").join(self._get_candidate_conditions()),
            next_level=self._get_next_level_query(bumped_partner_ids),
            group_by=SQL(", ").join(self._get_candidate_group_by()),
            pause_periods=SQL(" UNION ALL ").join(
                self._get_pause_periods_queries()
                or [SQL("SELECT NULL::int AS move_id, NULL::daterange AS period WHERE FALSE")]
            ),
            company_key=str(company.id),
            default_policy=company.adv_dunning_policy_id.id or None,
            date=self.date,
            company=company.id,
        )

    def _get_candidate_conditions(self):
        """Override hook: the conditions an invoice meets to be listed in a reminder, as a
        list of ``SQL`` on ``m`` (the invoice, ``account_move``) and ``p`` (its commercial
        partner, ``res_partner``). Add one to leave invoices out, e.g.
        ``SQL("m.amount_residual_signed >= %s", 10.0)`` (see readme/DEVELOP.md)."""
        self.ensure_one()
        return [
            SQL("m.company_id = %s", self.company_id.id),
            SQL("m.move_type = 'out_invoice'"),
            SQL("m.state = 'posted'"),
            SQL("m.amount_residual > 0"),
            SQL("m.payment_state IN ('not_paid', 'partial')"),
            SQL("m.invoice_date_due IS NOT NULL"),
            SQL("m.invoice_date_due <= %s::date - %s", self.date, self._get_min_days()),
            SQL("NOT COALESCE(m.adv_dunning_blocked, FALSE)"),
            SQL("NOT COALESCE(p.adv_dunning_excluded, FALSE)"),
            # an open promise to pay leaves the customer alone until its date
            SQL(
                """NOT EXISTS (
           SELECT 1 FROM adv_dunning_promise pr
            WHERE pr.partner_id = m.commercial_partner_id
              AND pr.company_id = m.company_id
              AND pr.state = 'open'
              AND pr.date >= %s::date)""",
                self.date,
            ),
        ]

    def _get_next_level_query(self, bumped_partner_ids):
        """Override hook: the level an invoice reaches at this run, as a query on ``c`` (a
        candidate invoice: ``policy_id``, ``cur_days`` the days of its current level,
        ``days_overdue``, ``days_counted`` its days overdue less its paused days,
        ``resumed`` paused since its last reminder, ``partner_id``) returning ``id`` and
        ``days_after_due`` of at most one level, joined LATERAL."""
        return SQL(
            """
        SELECT l.id, l.days_after_due
          FROM adv_dunning_level l
         WHERE l.policy_id = c.policy_id
           AND l.days_after_due > COALESCE(c.cur_days, -2147483648)
           AND (l.days_after_due <= c.days_counted
                -- a broken promise resumes the reminders at the next level
                OR (c.partner_id = ANY(%s) AND c.days_overdue > 0))
      -- the highest level its counted days reached; after a pause, the lowest one (one
      -- level at a time); none reached but a broken promise: the next one
      ORDER BY (l.days_after_due <= c.days_counted) DESC,
               CASE WHEN l.days_after_due <= c.days_counted AND NOT c.resumed
                    THEN -l.days_after_due
                    ELSE l.days_after_due END
         LIMIT 1""",
            list(bumped_partner_ids),
        )

    def _get_candidate_group_by(self):
        """Override hook: what makes one reminder, on ``lv`` (a listed invoice) and ``pol``
        (its policy): one per customer and policy by default. Whatever the grouping, each
        row becomes one reminder to ``lv.partner_id``."""
        return [SQL("lv.partner_id"), SQL("lv.policy_id"), SQL("pol.min_interval_days")]

    def _get_pause_periods_queries(self):
        """Override hook: the periods during which the reminders of an invoice were
        paused, as a list of SQL queries selecting ``move_id`` (an invoice of the run's
        company) and ``period`` (a ``daterange``, days from the lower bound included to the
        upper bound excluded; an unbounded upper bound means "still paused"). The run
        counts none of these days toward the invoice's level, and resumes an invoice
        paused since its last reminder one level up at most (see
        ``_get_candidates_query``); overlapping periods count once.

        Here the kept promises to pay: from the day the promise was recorded to its
        promised date included (the run leaves the customer alone until then), for the
        invoices open when it was made. A broken promise pauses nothing: its customer
        resumes at the next level at once. Other addons add their own pauses with
        ``super()``: adv_disputes_dunning adds the days each invoice spent in a dispute. A
        hook rather than a join on their tables here, because adv_dunning must not depend
        on adv_disputes (neither depends on the other; the bridge joins them), and the
        pause stays one set-based query.
        """
        self.ensure_one()
        # LEAST(): a promise recorded after its own date pauses nothing (an empty range)
        return [
            SQL(
                """
SELECT rel.account_move_id AS move_id,
       daterange(LEAST(pr.create_date::date, pr.date + 1), pr.date + 1) AS period
  FROM adv_dunning_promise pr
  JOIN account_move_adv_dunning_promise_rel rel ON rel.adv_dunning_promise_id = pr.id
 WHERE pr.company_id = %s
   AND pr.state = 'kept'""",
                self.company_id.id,
            )
        ]

    def _get_min_days(self):
        levels = self.env["adv.dunning.level"].search(
            [("company_id", "=", self.company_id.id)], order="days_after_due", limit=1
        )
        return levels.days_after_due if levels else 0

    def _compute_communications(self):
        """Create the draft reminders of the run, one per customer, in batches."""
        self.ensure_one()
        self.env.flush_all()
        bumped = self.env["adv.dunning.promise"]._check_due_promises(self.company_id, self.date)
        self.env.cr.execute(self._get_candidates_query(bumped.ids))
        rows = self.env.cr.dictfetchall()
        self._adv_run_log(_("%(count)s customer(s) to remind.", count=len(rows)))
        created = 0
        for batch in split_every(self._batch_size, rows, list):
            created += len(self._create_communications(batch))
            self._adv_run_release_memory()
        self._adv_run_log(_("%(count)s reminder(s) computed.", count=created))
        return created

    def _create_communications(self, rows):
        """Create the reminders of one batch of customers (query rows) and move their
        invoices to their new level: one ``create`` and one ``write`` per level."""
        company = self.company_id
        levels = self.env["adv.dunning.level"].browse(
            {row["level_id"] for row in rows}
            | {lvl for row in rows for lvl in row["level_ids"] if lvl}
        )
        levels.fetch(["channel", "penalties", "hold_customer"])
        currencies = self.env["res.currency"].browse(
            {cur for row in rows for cur in row["currency_ids"]}
        )
        currencies.fetch(["decimal_places", "rounding"])
        # The indemnity is 40 EUR: converted once per currency, not once per invoice.
        eur = self.env.ref("base.EUR")
        indemnity = {
            cur.id: eur._convert(float(penalty.RECOVERY_INDEMNITY_EUR), cur, company, self.date)
            for cur in currencies
        }
        rate = company.adv_dunning_penalty_rate
        # L441-10 and D441-5 apply between professionals only: consumers are charged
        # neither interest nor indemnity (see res.partner._adv_is_business).
        partners = self.env["res.partner"].browse({row["partner_id"] for row in rows})
        partners.fetch(["is_company", "vat", "company_registry", "commercial_partner_id"])
        business = {partner.id for partner in partners if partner._adv_is_business()}
        vals_list = []
        lines_list = []
        moves_by_level = defaultdict(list)
        for row in rows:
            # The highest level of the invoices listed, reached now or earlier (see
            # _get_candidates_query): the reminder's channel, template and penalties.
            level = levels.browse(row["level_id"])
            with_penalties = level.penalties and row["partner_id"] in business
            lines = []
            totals = defaultdict(float)
            for idx, move_id in enumerate(row["move_ids"]):
                currency = currencies.browse(row["currency_ids"][idx])
                residual = float(row["residuals"][idx])
                residual_company = float(row["residuals_company"][idx])
                late = max(row["days_overdue"][idx], 0)
                interest = indemnity_amount = 0.0
                # A penalty invoice is reminded, but charged neither interest (no interest
                # on interest: Code civil art. 1343-2 allows it only for interest due for a
                # whole year, by contract or court order) nor a recovery indemnity (D441-5:
                # one per late invoice of a commercial transaction, not per penalty claim).
                if with_penalties and late and not row["penalty_invoices"][idx]:
                    interest = penalty.late_interest(residual, rate, late, currency.decimal_places)
                    # D441-5: one indemnity per late invoice; one already invoiced on a
                    # penalty invoice is not claimed again.
                    if not row["indemnity_invoiced"][idx]:
                        indemnity_amount = indemnity[currency.id]
                # Company-currency totals at the invoice's own rate.
                ratio = residual_company / residual if residual else 1.0
                totals["residual"] += residual_company
                totals["interest"] += interest * ratio
                totals["indemnity"] += indemnity_amount * ratio
                new_level_id = row["level_ids"][idx]
                if new_level_id:
                    moves_by_level[(new_level_id, self.date)].append(move_id)
                lines.append(
                    {
                        "move_id": move_id,
                        "level_id": new_level_id,
                        "previous_level_id": row["prev_level_ids"][idx],
                        "previous_date": row["prev_dates"][idx],
                        "currency_id": currency.id,
                        "date_due": row["dates_due"][idx],
                        "days_late": late,
                        "amount_residual": residual,
                        "amount_residual_company": residual_company,
                        "interest_amount": interest,
                        "indemnity_amount": indemnity_amount,
                    }
                )
            company_currency = company.currency_id
            vals_list.append(
                {
                    "run_id": self.id,
                    "company_id": company.id,
                    "partner_id": row["partner_id"],
                    "level_id": level.id,
                    "date": self.date,
                    "channel": level.channel,
                    "amount_residual": company_currency.round(totals["residual"]),
                    "amount_interest": company_currency.round(totals["interest"]),
                    "amount_indemnity": company_currency.round(totals["indemnity"]),
                }
            )
            lines_list.append(lines)
        # The creation of a reminder is not worth a message in its chatter: the e-mail is.
        communications = (
            self.env["adv.dunning.communication"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True)
            .create(vals_list)
        )
        self.env["adv.dunning.communication.line"]._insert_lines(communications, lines_list)
        self.env["account.move"]._adv_dunning_set_levels(moves_by_level)
        return communications

    # ------------------------------------------------------------
    # BUSINESS: send
    # ------------------------------------------------------------

    def _send_batch(self, communications):
        """Send a batch of draft reminders; a failing customer is logged and skipped (its
        reminder is marked failed), the others are sent."""
        self.ensure_one()
        __, errors = communications._send()
        for communication, message in errors:
            self._adv_run_log(
                _(
                    "%(partner)s skipped: %(error)s",
                    partner=communication.partner_id.display_name,
                    error=message,
                )
            )
