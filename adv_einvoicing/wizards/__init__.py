from . import adv_einvoice_status_wizard
