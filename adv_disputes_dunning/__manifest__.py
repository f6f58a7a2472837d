{
    "name": "ADV Suite - Disputes and Dunning",
    "summary": "Bridge: an open dispute pauses the reminders of its invoices, and the days "
    "in dispute do not count toward a reminder level",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_disputes",
        "adv_dunning",
    ],
    "data": [],
    "auto_install": True,
    "installable": True,
}
