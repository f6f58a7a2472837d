from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from .common import AdvKpiCommon

# The KPIs of a clerk who may read only customer B's documents: those of customer B.
OWN_KEYS = (
    "dso",
    "dso_countback",
    "best_dso",
    "add",
    "cei",
    "ageing",
    "receivable",
    "credit_sales",
    "dispute_rate",
    "otif",
    "order_cycle_days",
    "invoice_cycle_days",
    "revenue",
    "backlog",
)
# "Each one sees the customers he follows, and those nobody follows": a rule an
# integrator may add. Global (every user), so that the clerk's groups (ADV users see all
# sales documents and invoices: adv_orders, adv_dunning) cannot widen it.
FOLLOWED = "['|', ('{path}.user_id', '=', user.id), ('{path}.user_id', '=', False)]"
RULE_PATHS = {
    "account.move": "commercial_partner_id",
    "account.move.line": "move_id.commercial_partner_id",
    "sale.order": "partner_id.commercial_partner_id",
    "sale.order.line": "order_id.partner_id.commercial_partner_id",
}


class AdvKpiRestrictedCommon(AdvKpiCommon):
    """Customer A is followed by the test user: the clerk reads only customer B's
    invoices, payments and orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.user_id = cls.env.user
        cls.rules = cls.env["ir.rule"].create(
            [
                {
                    "name": f"ADV KPI test: followed customers ({model})",
                    "model_id": cls.env["ir.model"]._get_id(model),
                    "domain_force": FOLLOWED.format(path=path),
                }
                for model, path in RULE_PATHS.items()
            ]
        )
        cls.env.flush_all()


@tagged("post_install", "-at_install")
class TestAdvKpiRecordRules(AdvKpiRestrictedCommon):
    def _march(self, user=None, **kwargs):
        kpi = self.env["adv.kpi"].with_user(user) if user else self.env["adv.kpi"]
        return kpi.compute_kpis("2025-03-01", "2025-03-31", company_ids=self.company.ids, **kwargs)

    def test_restricted_clerk_gets_the_kpis_of_what_he_reads(self):
        mine = self._march(self.clerk)
        customer_b = self._march(partner_ids=self.customer_b.ids)
        for key in OWN_KEYS:
            self.assertEqual(mine[key], customer_b[key], key)
        # Customer B by hand (AdvKpiCommon): opening 500, March 600 - 100, open at 03-31.
        self.assertAlmostEqual(mine["receivable"], 1000.0)
        self.assertAlmostEqual(mine["credit_sales"], 500.0)
        self.assertAlmostEqual(mine["dso"], 1000 / 500 * 31)
        self.assertAlmostEqual(mine["revenue"], 500.0)
        # Countback: March 500 (31 days), February nothing (28), January 500 covers it.
        self.assertAlmostEqual(mine["dso_countback"], 31 + 28 + 31)
        self.assertEqual(
            mine["backlog"], {"to_deliver": 600.0, "to_invoice": 600.0, "total": 1200.0}
        )
        # Only the orders he reads are counted by the productivity too: SO2 and SO4.
        self.assertEqual(sum(row["orders"] for row in mine["productivity"]), 2)
        # The whole company is something else.
        everything = self._march()
        self.assertAlmostEqual(everything["receivable"], 2600.0)
        self.assertAlmostEqual(everything["revenue"], 2900.0)

    def test_restricted_kpis_are_the_hand_computation_of_what_he_reads(self):
        """Computed from the records his ORM searches return, in Python."""
        Line = self.env["account.move.line"]
        readable = Line.browse(Line.with_user(self.clerk).search([]).ids)
        items = readable.filtered(
            lambda line: (
                line.parent_state == "posted"
                and line.account_id.account_type == "asset_receivable"
                and line.date <= date(2025, 3, 31)
            )
        )
        march = items.filtered(
            lambda line: (
                line.date >= date(2025, 3, 1)
                and line.move_id.move_type in ("out_invoice", "out_refund")
            )
        )
        self.assertTrue(items)
        self.assertLess(len(items), len(self._all_receivable_items()))
        mine = self._march(self.clerk)
        self.assertAlmostEqual(mine["receivable"], sum(items.mapped("balance")))
        self.assertAlmostEqual(mine["credit_sales"], sum(march.mapped("balance")))
        Move = self.env["account.move"]
        invoices = Move.browse(
            Move.with_user(self.clerk)
            .search(
                [
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", "2025-03-01"),
                    ("invoice_date", "<=", "2025-03-31"),
                ]
            )
            .ids
        )
        self.assertAlmostEqual(mine["revenue"], sum(invoices.mapped("amount_untaxed_signed")))
        # His analyses show the same rows.
        rows = (
            self.env["adv.kpi.ageing.report"]
            .with_user(self.clerk)
            .with_context(adv_kpi_date="2025-03-31")
            .search([])
        )

        # Open at 03-31: each item's balance less what was reconciled with it by then.
        def open_amount(line):
            day = date(2025, 3, 31)
            debit = line.matched_debit_ids.filtered(lambda p: p.max_date <= day)
            credit = line.matched_credit_ids.filtered(lambda p: p.max_date <= day)
            return line.balance - sum(credit.mapped("amount")) + sum(debit.mapped("amount"))

        expected = {line.id: open_amount(line) for line in items if open_amount(line)}
        self.assertEqual({row.id: row.amount_residual for row in rows}, expected)
        self.assertAlmostEqual(mine["ageing"]["total"], sum(items.mapped("balance")))
        revenue = self.env["adv.kpi.revenue.report"].with_user(self.clerk)
        rows = revenue.search([("date", ">=", "2025-03-01"), ("date", "<=", "2025-03-31")])
        self.assertEqual(set(rows.move_id.ids), set(invoices.ids))

    def _all_receivable_items(self):
        return self.env["account.move.line"].search(
            [
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("date", "<=", "2025-03-31"),
            ]
        )

    def test_company_rules_only_cost_nothing(self):
        """Without the custom rule, the rules of invoices and orders ask nothing more
        of the clerk (billing and all sales documents) than his companies: no condition
        is added to the SQL. With it, the rules become a subquery."""
        column = SQL("x.id")
        mixin = self.env["adv.kpi.report.mixin"].with_user(self.clerk)
        for model in RULE_PATHS:
            self.assertIn(" IN ", mixin._kpi_rule_sql(model, column).code, model)
        self.rules.active = False
        for model in RULE_PATHS:
            self.assertEqual(mixin._kpi_rule_sql(model, column), SQL("TRUE"), model)
        # The clerk's KPIs are then the company's.
        self.assertAlmostEqual(self._march(self.clerk)["receivable"], 2600.0)
        internal = new_test_user(self.env, login="adv_kpi_rules_internal", groups="base.group_user")
        mixin = self.env["adv.kpi.report.mixin"].with_user(internal)
        self.assertEqual(mixin._kpi_rule_sql("account.move", column), SQL("FALSE"))

    def _plan(self, query):
        self.env.cr.execute(SQL("EXPLAIN (FORMAT JSON, COSTS FALSE) %s", query))
        return self.env.cr.fetchone()[0][0]["Plan"]

    def test_company_only_rules_leave_the_plan_alone(self):
        """The common case's query plan is the plan of the query without any rule
        condition (PostgreSQL folds the constant TRUE away); a real rule adds a
        semi-join on the documents the user may read."""
        report = self.env["adv.kpi.ageing.report"].with_user(self.clerk)
        as_of = date(2025, 3, 31)
        self.rules.active = False
        query = report._kpi_receivable_items_query(as_of)
        self.assertIn(" AND TRUE AND TRUE", query.code)
        bare = SQL(query.code.replace(" AND TRUE AND TRUE", ""), *query.params)
        self.assertEqual(self._plan(query), self._plan(bare))
        self.rules.active = True
        restricted = report._kpi_receivable_items_query(as_of)
        scans = "'Relation Name': 'account_move'"
        self.assertGreater(
            str(self._plan(restricted)).count(scans), str(self._plan(bare)).count(scans)
        )

    def test_domain_implied_by_companies(self):
        implied = self.env["adv.kpi.report.mixin"]._kpi_domain_implied_by_companies
        self.assertTrue(implied([("company_id", "in", [1, 2])], [1, 2]))
        self.assertTrue(
            implied(["|", ("company_id", "=", False), ("company_id", "in", [1, 2])], [1])
        )
        self.assertTrue(implied(["|", ("user_id", "=", 3), (1, "=", 1)], [1]))
        self.assertTrue(implied([("company_id", "!=", 5)], [1]))
        self.assertFalse(implied([("company_id", "in", [1])], [1, 2]))
        self.assertFalse(implied([("company_id", "=", False)], [1]))
        self.assertFalse(implied(["|", ("user_id", "=", 3), ("company_id", "=", False)], [1]))
        self.assertFalse(implied([("company_id", "in", [1]), ("user_id", "=", 3)], [1]))
        self.assertFalse(implied(["!", ("company_id", "in", [1])], [1]))
        self.assertFalse(implied([("company_id", "parent_of", [1])], [1]))


@tagged("post_install", "-at_install")
class TestAdvKpiRecordRulesRpc(AdvKpiRestrictedCommon, HttpCase):
    def _call(self, method, *args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/adv.kpi/{method}",
            {"model": "adv.kpi", "method": method, "args": list(args), "kwargs": {}},
        )

    def test_restricted_rpc_does_not_leak_totals(self):
        self.authenticate("adv_kpi_clerk", "adv_kpi_clerk")
        kpis = self._call("compute_kpis", "2025-03-01", "2025-03-31")
        # Customer B's invoices and orders only, not the company's 2600 / 2900 / 2800.
        self.assertAlmostEqual(kpis["receivable"], 1000.0)
        self.assertAlmostEqual(kpis["credit_sales"], 500.0)
        self.assertAlmostEqual(kpis["revenue"], 500.0)
        self.assertAlmostEqual(kpis["ageing"]["total"], 1000.0)
        self.assertAlmostEqual(kpis["backlog"]["total"], 1200.0)
        data = self._call("get_dashboard_data", "2025-03-01", "2025-03-31")
        self.assertAlmostEqual(data["current"]["receivable"], 1000.0)
        self.assertAlmostEqual(data["current"]["revenue"], 500.0)
        breakdown = self._call(
            "compute_breakdown", "dispute_rate", "partner_id", "2025-03-01", "2025-03-31"
        )
        self.assertEqual([row["label"] for row in breakdown], [self.customer_b.name])
