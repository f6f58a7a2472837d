from . import adv_kpi_export_wizard
