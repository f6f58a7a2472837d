{
    "name": "ADV Suite - KPIs",
    "summary": "ADV dashboard: dispute rate, DSO, ADD, CEI, ageing, OTIF, cycle time, productivity per clerk, order book, XLSX export",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_orders",
        "adv_disputes",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/adv_menus.xml",
    ],
    "demo": [],
    "installable": True,
}
