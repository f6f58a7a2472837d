{
    "name": "ADV Suite - Disputes",
    "summary": "Customer disputes (litiges) with a workflow, reminders paused while open, resolution by credit note, return or replacement",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_dunning",
        "sale_stock",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/adv_menus.xml",
    ],
    "demo": [],
    "installable": True,
}
