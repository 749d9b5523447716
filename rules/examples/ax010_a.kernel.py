import numpy as np


def _sum_of_squares_kernel(xs):
    return np.dot(xs, xs)
