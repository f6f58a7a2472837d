from . import adv_kpi
