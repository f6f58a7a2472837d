from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL


class AdvKpiReportMixin(models.AbstractModel):
    """Shared helpers of the SQL-backed ADV analyses.

    Every analysis is a read-only ``_auto = False`` model whose rows come from one
    parameterised query (``_table_query`` returns an :class:`odoo.tools.SQL`).
    """

    _name = "adv.kpi.report.mixin"
    _description = "ADV analysis helpers"

    def _kpi_tz(self):
        # Datetimes are stored in UTC; the manager reads days in his own time zone.
        return self.env.context.get("tz") or self.env.user.tz or "UTC"

    def _kpi_local_date(self, column):
        """SQL expression turning a UTC timestamp column into a local date."""
        return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, self._kpi_tz())

    def _kpi_as_of_date(self):
        """Date at which snapshot analyses (ageing, order book) are taken.

        ``adv_kpi_date`` in the context lets ``adv.kpi`` read a past period with the same
        query as the screens; without it the snapshot is today's.
        """
        value = self.env.context.get("adv_kpi_date")
        if value:
            return fields.Date.to_date(value)
        return fields.Date.context_today(self)

    @staticmethod
    def _kpi_ids_sql(column, ids):
        """``column`` among ``ids``; ``TRUE`` when ``ids`` is None (every row). The
        analyses take such filters so that ``adv.kpi.snapshot`` rebuilds a few
        documents with the analysis' own SQL. ``ids`` may be an SQL expression (the
        column of an outer query)."""
        if ids is None:
            return SQL("TRUE")
        if isinstance(ids, SQL):
            return SQL("%s = %s", column, ids)
        return SQL("%s = ANY(%s)", column, list(ids))

    # ------------------------------------------------------------------
    # RECORD RULES OF THE DOCUMENTS READ BY HAND-WRITTEN SQL
    # ------------------------------------------------------------------

    def _kpi_rule_sql(self, model_name, column):
        """SQL condition keeping the rows whose ``column`` (ids of ``model_name``) the
        current user may read: the record rules of ``model_name`` applied to SQL that
        reads its table directly.

        Every analysis and KPI query is already restricted to companies the user may
        see (the analyses' own company rules, ``adv.kpi``'s scope). When the document's
        rules ask nothing more than that (an accountant, an ADV clerk, a manager: only
        the multi-company rules, or rules that let everything through), the condition is
        ``TRUE`` and the query is the one without it: PostgreSQL folds the constant
        away, the plan is the same (a test compares the plans), the common case pays
        nothing, not even a semi-join. Otherwise (a salesman who sees his own invoices,
        a custom rule) the rows are those of ``model._search([])`` for the user, as a
        subquery: Odoo's own translation of the rules, no copy of it.
        Without read access on the model, no row.
        """
        if self._kpi_rules_company_only(model_name):
            return SQL("TRUE")
        model = self.env[model_name].with_context(active_test=False)
        if not model.has_access("read"):
            return SQL("FALSE")
        return SQL("%s IN %s", column, model._search([]).subselect())

    def _kpi_rules_company_only(self, model_name):
        """Whether the user may read ``model_name`` and its record rules ask nothing
        more than his companies (or he is the superuser): then the queries need no
        condition of the rules (see :meth:`_kpi_rule_sql`), and ``adv.kpi`` may read the
        snapshot, which holds every document of the companies."""
        if self.env.su:
            return True
        if not self.env[model_name].has_access("read"):
            return False
        domain = self.env["ir.rule"]._compute_domain(model_name, "read")
        return not domain or self._kpi_domain_implied_by_companies(domain, self.env.companies.ids)

    @staticmethod
    def _kpi_domain_implied_by_companies(domain, company_ids):
        """Whether every row of one of ``company_ids`` satisfies ``domain`` whatever its
        other values: the domain is evaluated in three-valued logic (True, False,
        unknown) where the only leaves known are those on ``company_id`` and the
        constant leaves. Unknown means "may restrict more": the caller then applies
        the domain itself.
        """
        companies = set(company_ids)

        def leaf_value(leaf):
            leaf = tuple(leaf)
            if leaf == expression.TRUE_LEAF:
                return True
            if leaf == expression.FALSE_LEAF:
                return False
            field, operator, value = leaf
            if field != "company_id":
                return None
            if operator in ("=", "in"):
                values = set(value) if isinstance(value, list | tuple) else {value}
            elif operator in ("!=", "not in"):
                values = set(value) if isinstance(value, list | tuple) else {value}
                if companies.isdisjoint(values):
                    return True
                return False if companies <= values else None
            else:
                return None
            if companies <= values:
                return True
            return False if companies.isdisjoint(values) else None

        def evaluate(index):
            # Polish notation: returns (value, next index).
            token = domain[index]
            if token == expression.NOT_OPERATOR:
                value, index = evaluate(index + 1)
                return (None if value is None else not value), index
            if token in (expression.AND_OPERATOR, expression.OR_OPERATOR):
                left, index = evaluate(index + 1)
                right, index = evaluate(index)
                if token == expression.AND_OPERATOR:
                    if left is False or right is False:
                        return False, index
                    return (True if left and right else None), index
                if left is True or right is True:
                    return True, index
                return (False if left is False and right is False else None), index
            return leaf_value(token), index + 1

        domain = expression.normalize_domain(list(domain))
        value, _index = evaluate(0)
        return value is True
