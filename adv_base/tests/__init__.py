from . import test_adv_base
from . import test_docker_compose
