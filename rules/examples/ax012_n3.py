# no_fire: a call inside the nest
import math

import numpy as np


def clipped(A, B):
    n = A.shape[0]
    for i in range(n):
        B[i] = math.sqrt(A[i])
