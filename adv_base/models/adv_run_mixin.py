import logging

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class AdvRunLocked(UserError):
    """Another transaction works the run, or another run of its company and kind."""


class AdvRunMixin(models.AbstractModel):
    """A nightly run of the ADV Suite (reminders, invoicing): a document with a company, a
    state and a log, worked in batches by its scheduled action.

    How it survives faults:

    - **No commit of ours.** The scheduled action calls :meth:`_adv_cron_execute`, which
      works one batch of every pending run and reports what is left through Odoo's cron
      progress API (``ir.cron._notify_progress``). Odoo's cron runner commits after each
      call and calls again while work remains (then reschedules the job as soon as
      possible), so each batch is one transaction: killed at any point, a batch is either
      entirely done or not at all, and the next call (or the next start of the server,
      since the job is still due) resumes where the last commit left it. Nothing that a
      client can send decides a commit.
    - **A lock that cannot outlive its transaction.** A batch takes the run's row
      (``FOR UPDATE NOWAIT``) and a transaction-scoped advisory lock per company and kind
      of run (``pg_try_advisory_xact_lock``): released by the commit, the rollback or the
      death of the connection, never left behind by an error or a pooled connection.
    - **One failure stops nothing else.** Each run's batch is worked in a savepoint: an
      error is written on that run (state ``failed``, message in its log) and the other
      runs, of other companies, go on. Each kind of run also isolates its customers.
    - **Dead runs do not block.** :meth:`_adv_cron_runs` resumes the runs of the day and
      closes those of earlier days that never finished, whatever their state.

    A run started from the screen works every batch in the user's one transaction.

    A model using the mixin defines ``state`` and implements :meth:`_adv_run_step`,
    :meth:`_adv_run_fail`, :meth:`_adv_cron_runs` and sets ``_adv_run_lock_key``.
    """

    _name = "adv.run.mixin"
    _description = "ADV Suite nightly run"

    # First key of the company's advisory lock (the second is the company id); one
    # constant per kind of run, so that two runs of one kind and company exclude each other
    # in any process.
    _adv_run_lock_key = None
    # Batches worked per call of the scheduled action, per run: Odoo's cron runner commits
    # after each call and calls again while work remains.
    _adv_run_steps_per_call = 1
    # Guard against a step that would report work left without ever doing it.
    _adv_run_max_steps = 100_000

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    log = fields.Text(readonly=True, copy=False)

    # ------------------------------------------------------------
    # BUSINESS: to implement
    # ------------------------------------------------------------

    def _adv_run_step(self):
        """Work one batch of the run (locked by the caller, in its company).

        :return: the number of items (customers, reminders...) still to work after this
            batch; 0 once the run is over (its state is then final).
        """
        raise NotImplementedError()

    def _adv_run_is_pending(self):
        """Whether the run still has work for its scheduled action."""
        raise NotImplementedError()

    def _adv_run_fail(self, message):
        """Record on the run that a batch failed (after its savepoint rolled back)."""
        raise NotImplementedError()

    def _adv_run_close(self):
        """Close a run that will not finish (locked by the caller), so that it blocks
        nobody: the next run takes its work over."""
        raise NotImplementedError()

    @api.model
    def _adv_cron_runs(self):
        """The runs the scheduled action works now: today's run of every company that
        switched the nightly run on (created when missing), and runs to resume. Closes the
        dead runs of earlier days."""
        raise NotImplementedError()

    # ------------------------------------------------------------
    # BUSINESS: lock, log
    # ------------------------------------------------------------

    def _adv_run_lock(self):
        """Lock the run and its company's runs of this kind for the current transaction.

        :raise AdvRunLocked: when another transaction works this run or another run of the
            same company and kind.
        """
        self.ensure_one()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = %s FOR UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        self.id,
                    )
                )
        except pg_errors.LockNotAvailable as exc:
            raise AdvRunLocked(
                _("%(run)s is already being worked on.", run=self.display_name)
            ) from exc
        if not self._adv_run_try_lock_company(self.company_id):
            raise AdvRunLocked(
                _(
                    "Another run of %(company)s is in progress (%(kind)s): try again when "
                    "it is over.",
                    company=self.company_id.name,
                    kind=self._description,
                )
            )
        # What another transaction committed before we got the lock.
        self.invalidate_recordset()

    @api.model
    def _adv_run_try_lock_company(self, company):
        """Take the advisory lock of ``company`` and this kind of run for the current
        transaction, without waiting; False when another transaction holds it.

        :meth:`_adv_cron_runs` takes it before looking for today's run: two processes
        starting the night together (two cron workers, a shell) would otherwise both find
        no run of the day and both create one. The loser skips the company for this call;
        the winner's run is found by the next call once committed. The lock is the one
        :meth:`_adv_run_lock` takes (re-entrant within the transaction).
        """
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", self._adv_run_lock_key, company.id)
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _adv_close_dead_runs(self, domain):
        """Close the runs of ``domain`` dated before their company's today (killed, failed
        on a server that stopped, never sent), except those another transaction works."""
        for run in self.search(domain):
            if run.date >= fields.Date.context_today(run.with_company(run.company_id)):
                continue
            try:
                with self.env.cr.savepoint():
                    run._adv_run_lock()
                    run._adv_run_close()
            except AdvRunLocked:
                continue

    def _adv_run_log(self, message):
        self.ensure_one()
        line = f"{fields.Datetime.now()}  {message}"
        self.log = f"{self.log}\n{line}" if self.log else line

    def _adv_run_release_memory(self):
        """Between batches of one transaction: write the batch and empty the ORM cache, so
        that memory does not grow with the size of the run."""
        self.env.flush_all()
        self.env.invalidate_all()

    # ------------------------------------------------------------
    # BUSINESS: drive
    # ------------------------------------------------------------

    def _adv_run_all_steps(self):
        """Work the run to its end in the current transaction (a click on the screen)."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        run._adv_run_lock()
        for _step in range(self._adv_run_max_steps):
            if not run._adv_run_step():
                return
            run._adv_run_release_memory()
        raise UserError(_("%(run)s does not progress: stopped.", run=run.display_name))

    def _adv_run_safe_step(self):
        """One batch of the run for the scheduled action, in a savepoint.

        :return: (batches done, items left); a run locked elsewhere is left for later,
            an error marks the run failed and leaves the other runs going.
        """
        self.ensure_one()
        run = self.with_company(self.company_id)
        try:
            with run.env.cr.savepoint():
                run._adv_run_lock()
                remaining = run._adv_run_step()
        except AdvRunLocked as exc:
            # Worked on by another transaction (a click, another worker): not a failure.
            _logger.info("%s skipped: %s", run.display_name, exc)
            return 0, 0
        except Exception as exc:  # written on the run, the others go on
            _logger.exception("%s failed", run.display_name)
            run.env.invalidate_all()
            run._adv_run_fail(str(exc) or repr(exc))
            return 1, 0
        return 1, remaining

    @api.model
    def _adv_cron_execute(self):
        """What the scheduled action calls: one batch of every pending run, then the
        progress for Odoo's cron runner, which commits and calls again while work is left.

        Called outside a cron job (tests, a shell), it works every batch in one transaction.
        """
        in_cron_job = bool(self.env.context.get("ir_cron_progress_id"))
        done = remaining = 0
        for _step in range(self._adv_run_max_steps):
            runs = self._adv_cron_runs().filtered(lambda run: run._adv_run_is_pending())
            done_now = remaining = 0
            for run in runs:
                for _batch in range(self._adv_run_steps_per_call):
                    run_done, run_remaining = run._adv_run_safe_step()
                    done_now += run_done
                    if not run_remaining:
                        break
                remaining += run_remaining
                self._adv_run_release_memory()
            done += done_now
            if in_cron_job or not remaining or not done_now:
                break
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining
