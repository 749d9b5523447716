"""Direct 2-D convolution ('valid' region) of an image with a small kernel."""
import numpy as np


def convolve2d(image, kernel):
    """True convolution (the kernel is flipped) of a 2-D float array with a 2-D kernel; the
    output has shape (H - kh + 1, W - kw + 1)."""
    ih, iw = image.shape
    kh, kw = kernel.shape
    oh = ih - kh + 1
    ow = iw - kw + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            acc = 0.0
            for u in range(kh):
                for v in range(kw):
                    acc += image[i + u, j + v] * kernel[kh - 1 - u, kw - 1 - v]
            out[i, j] = acc
    return out
