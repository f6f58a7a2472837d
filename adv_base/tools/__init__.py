from .decision import decided, ensure_decided, is_decided
