{
    "name": "ADV Suite - KPIs",
    "summary": "ADV dashboard: dispute rate, DSO, ADD, CEI, ageing, OTIF, cycle time, "
    "productivity per clerk, order book, XLSX export",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    # What the KPIs read: journal items (account), deliveries of order lines (sale_stock),
    # the promised date of a line (adv_orders), disputes (adv_disputes); menus and groups
    # of adv_base.
    "depends": [
        "adv_base",
        "account",
        "sale_stock",
        "adv_orders",
        "adv_disputes",
    ],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/adv_kpi_security.xml",
        "data/adv_kpi_cron.xml",
        "report/adv_kpi_ageing_report_views.xml",
        "report/adv_kpi_backlog_report_views.xml",
        "report/adv_kpi_clerk_report_views.xml",
        "report/adv_kpi_cycle_report_views.xml",
        "report/adv_kpi_dispute_report_views.xml",
        "report/adv_kpi_otif_report_views.xml",
        "report/adv_kpi_revenue_report_views.xml",
        "views/adv_kpi_dashboard_views.xml",
        "wizards/adv_kpi_export_wizard_views.xml",
        "views/adv_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "adv_kpi/static/src/dashboard/*",
        ],
        "web.assets_tests": [
            "adv_kpi/static/src/js/tours/*.js",
        ],
    },
    "demo": [],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
