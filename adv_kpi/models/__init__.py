from . import adv_kpi
from . import adv_kpi_snapshot
