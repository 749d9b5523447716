import numpy as np

def blur(img: np.ndarray, h: int, w: int):
    out = np.zeros((h, w))
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            out[y, x] = (img[y - 1, x] + img[y + 1, x] + img[y, x - 1] + img[y, x + 1]) / 4
    return out
