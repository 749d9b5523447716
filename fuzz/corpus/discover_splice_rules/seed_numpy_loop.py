import numpy as np

def clip(a: np.ndarray, lo: float, hi: float) -> np.ndarray:
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        v = a[i]
        out[i] = lo if v < lo else (hi if v > hi else v)
    return out
