from . import adv_kpi_report_mixin
from . import adv_kpi_ageing_report
from . import adv_kpi_backlog_report
from . import adv_kpi_clerk_report
from . import adv_kpi_cycle_report
from . import adv_kpi_dispute_report
from . import adv_kpi_otif_report
from . import adv_kpi_revenue_report
