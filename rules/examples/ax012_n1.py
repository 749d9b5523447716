# no_fire: a recurrence: the written array is read at another index
import numpy as np


def running(x, out):
    out[0] = x[0]
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] + x[i]
